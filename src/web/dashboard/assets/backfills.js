// Backfill pages: the form with a dry-run preview (POST /api/backfills/dry-run), starting a backfill
// (POST /api/backfills), the list, and one backfill's progress (polled while it runs) with cancel.
// Everything shown is built with textContent: values from the API never become markup.
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  const flash = document.getElementById('flash');

  function show(message, isError) {
    if (!flash) return;
    flash.textContent = message;
    flash.classList.toggle('error', Boolean(isError));
    flash.hidden = false;
  }

  async function api(method, url, body) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
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

  function cell(row, text, cls) {
    const td = document.createElement('td');
    if (text instanceof Node) td.append(text);
    else td.textContent = text ?? '';
    if (cls) td.className = cls;
    row.append(td);
    return td;
  }

  function link(href, text) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }

  function badge(state) {
    const span = document.createElement('span');
    span.className = `badge state-${state}`;
    span.textContent = String(state ?? '').replaceAll('_', ' ');
    return span;
  }

  const instant = (iso) => (iso ? String(iso).replace('T', ' ').slice(0, 16) : '');
  const day = (iso) => String(iso ?? '').slice(0, 10);

  function progressText(b) {
    const c = b.counts;
    const eta = b.etaSeconds == null ? '' : `, about ${Math.max(1, Math.round(b.etaSeconds / 60))} min left`;
    return `${b.runsDone} of ${b.runsPlanned} runs done (${c.success} success, ${c.failed} failed, ${c.running} running, ${c.queued} queued, ${c.pending} pending, ${c.skipped} skipped, ${c.cancelled} cancelled)${eta}`;
  }

  // ---- the form and the list (/ui/backfills)
  const form = document.getElementById('backfill-form');
  if (form) {
    const start = document.getElementById('start');
    let previewed = null;

    const request = () => {
      const data = new FormData(form);
      return {
        dagId: String(data.get('dagId') ?? ''),
        from: String(data.get('from') ?? ''),
        to: String(data.get('to') ?? ''),
        reprocess: String(data.get('reprocess') ?? 'missing'),
        maxActiveRuns: Number(data.get('maxActiveRuns') ?? 2),
        yes: data.get('yes') === 'on',
      };
    };

    form.addEventListener('input', () => {
      previewed = null;
      start.disabled = true;
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = request();
      try {
        const plan = await api('POST', '/api/backfills/dry-run', body);
        previewed = body;
        renderPlan(plan);
        start.disabled = plan.create + plan.clear === 0;
        if (flash) flash.hidden = true;
      } catch (error) {
        show(error.message, true);
      }
    });

    start.addEventListener('click', async () => {
      if (!previewed) return;
      start.disabled = true;
      try {
        const created = await api('POST', '/api/backfills', previewed);
        window.location.href = `/ui/backfills/${encodeURIComponent(created.backfill.backfillId)}`;
      } catch (error) {
        show(error.message, true);
        start.disabled = false;
      }
    });

    function renderPlan(plan) {
      document.getElementById('plan').hidden = false;
      document.getElementById('plan-summary').textContent =
        `${plan.intervals} intervals of ${plan.dagId} from ${day(plan.from)} to ${day(plan.to)}: ` +
        `${plan.create} to create, ${plan.clear} to clear and re-run, ${plan.skip} skipped, ${plan.wait} waiting for a running run`;
      const notes = document.getElementById('plan-notes');
      notes.replaceChildren(
        ...plan.notes.map((n) => {
          const li = document.createElement('li');
          li.textContent = n;
          return li;
        }),
      );
      const tbody = document.querySelector('#plan-table tbody');
      tbody.replaceChildren(
        ...(plan.items ?? []).map((item) => {
          const tr = document.createElement('tr');
          tr.dataset.action = item.action;
          cell(tr, instant(item.intervalStart));
          cell(tr, item.runId, 'mono');
          cell(tr, item.action);
          cell(tr, item.existing ? badge(item.existing) : '');
          cell(tr, item.files ? `${item.files.count} (${item.files.bytes} bytes)` : '');
          cell(tr, item.bytesProcessed == null ? '' : String(item.bytesProcessed));
          cell(tr, item.reason ?? '', 'sub');
          return tr;
        }),
      );
    }

    (async () => {
      const tbody = document.querySelector('#backfill-list tbody');
      try {
        const list = await api('GET', '/api/backfills?limit=50');
        if (list.length === 0) {
          const tr = document.createElement('tr');
          cell(tr, 'No backfills yet.', 'empty').colSpan = 7;
          tbody.replaceChildren(tr);
          return;
        }
        tbody.replaceChildren(
          ...list.map((b) => {
            const tr = document.createElement('tr');
            tr.dataset.backfill = b.backfillId;
            cell(tr, link(`/ui/backfills/${encodeURIComponent(b.backfillId)}`, b.backfillId));
            cell(tr, b.dagId);
            cell(tr, `${day(b.from)} → ${day(b.to)}`);
            cell(tr, b.reprocess);
            cell(tr, badge(b.state));
            cell(tr, `${b.runsDone} / ${b.runsPlanned}`);
            cell(tr, instant(b.createdAt));
            return tr;
          }),
        );
      } catch (error) {
        const tr = document.createElement('tr');
        cell(tr, error.message, 'empty').colSpan = 7;
        tbody.replaceChildren(tr);
      }
    })();
  }

  // ---- one backfill (/ui/backfills/<id>)
  const root = document.getElementById('backfill');
  if (root) {
    const id = root.dataset.backfillId;
    const cancel = document.getElementById('bf-cancel');
    let timer = null;

    async function refresh() {
      let b;
      try {
        b = await api('GET', `/api/backfills/${encodeURIComponent(id)}?intervals=true`);
      } catch (error) {
        show(error.message, true);
        return;
      }
      const state = document.getElementById('bf-state');
      state.className = `badge state-${b.state}`;
      state.textContent = b.state;
      root.dataset.state = b.state;
      document.getElementById('bf-range').textContent =
        `${b.dagId}, ${day(b.from)} → ${day(b.to)} (exclusive), reprocess ${b.reprocess}, max ${b.maxActiveRuns} at once`;
      const pct = b.runsPlanned > 0 ? Math.round((b.runsDone / b.runsPlanned) * 100) : 100;
      const bar = document.getElementById('bf-bar');
      bar.style.width = `${pct}%`;
      bar.classList.toggle('has-failures', b.counts.failed > 0);
      document.getElementById('bf-counts').textContent = progressText(b);
      cancel.hidden = b.state !== 'running';
      const tbody = document.querySelector('#bf-intervals tbody');
      tbody.replaceChildren(
        ...(b.intervals ?? []).map((iv) => {
          const tr = document.createElement('tr');
          tr.dataset.run = iv.runId;
          cell(tr, instant(iv.intervalStart));
          cell(
            tr,
            link(
              `/ui/dags/${encodeURIComponent(b.dagId)}?before=${encodeURIComponent(iv.intervalEnd)}`,
              iv.runId,
            ),
          );
          cell(tr, iv.state);
          cell(tr, iv.runState ? badge(iv.runState) : '');
          cell(tr, iv.action ?? '');
          cell(tr, iv.reason ?? '', 'sub');
          return tr;
        }),
      );
      clearTimeout(timer);
      if (b.state === 'running') timer = setTimeout(refresh, 2000);
    }

    cancel.addEventListener('click', async () => {
      if (!window.confirm(`Cancel ${id}? Runs already started finish; no new ones start.`)) return;
      try {
        await api('POST', `/api/backfills/${encodeURIComponent(id)}/cancel`);
        show(`${id} cancelled`);
        await refresh();
      } catch (error) {
        show(error.message, true);
      }
    });

    refresh();
  }
})();
