// Sluice dashboard behaviour: API buttons (POST with the CSRF token of a cookie session), flash messages, and
// auto-refresh while runs are active. No framework; every page works as plain HTML links without it.
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  const flash = document.getElementById('flash');

  function show(message, isError) {
    if (!flash) return;
    flash.textContent = message;
    flash.classList.toggle('error', Boolean(isError));
    flash.hidden = false;
    clearTimeout(show.timer);
    show.timer = setTimeout(
      () => {
        flash.hidden = true;
      },
      isError ? 10000 : 4000,
    );
  }

  async function post(url, body) {
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (csrf) headers['x-csrf-token'] = csrf;
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body ?? {}),
      credentials: 'same-origin',
    });
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) throw new Error(data?.error?.message ?? `${res.status} ${res.statusText}`);
    return data;
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-api')) return;
    event.preventDefault();
    const confirmText = form.getAttribute('data-confirm');
    if (confirmText && !window.confirm(confirmText)) return;
    const hidden = form.querySelector('input[name="__json"]');
    const body = hidden ? JSON.parse(hidden.value) : {};
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      const data = await post(form.action, body);
      if (data?.runId && data?.state) show(`Run ${data.runId} created (${data.state})`);
      else if (data?.cleared) show(`Cleared: ${data.cleared.join(', ') || 'nothing to clear'}`);
      else if (data && typeof data.paused === 'boolean')
        show(`${data.dagId} ${data.paused ? 'paused' : 'unpaused'}`);
      else show('Done');
      setTimeout(() => window.location.reload(), 600);
    } catch (error) {
      show(error.message, true);
    } finally {
      if (button) button.disabled = false;
    }
  });

  const refresh = Number(document.body.getAttribute('data-refresh'));
  if (refresh > 0) {
    setInterval(() => {
      if (document.visibilityState === 'visible' && flash?.hidden !== false) window.location.reload();
    }, refresh * 1000);
  }
})();
