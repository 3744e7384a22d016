// Charts of the metrics page with uPlot (served from the package): hourly orders and hourly revenue.
(() => {
  const dataEl = document.getElementById('hourly-data');
  if (!dataEl || typeof uPlot === 'undefined') return;
  const hourly = JSON.parse(dataEl.textContent || '{}');
  const xs = hourly.t ?? [];
  if (xs.length === 0) return;

  function draw(el, title, series, data) {
    const width = Math.max(320, el.clientWidth || 600);
    const opts = {
      title,
      width,
      height: 240,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true } },
      series: [{}, ...series],
      axes: [{}, { size: 70 }],
    };
    return new uPlot(opts, [xs, ...data], el);
  }

  const orders = document.getElementById('chart-orders');
  if (orders)
    draw(
      orders,
      'Orders per hour (UTC)',
      [
        { label: 'total orders', stroke: '#0969da', width: 2 },
        { label: 'completed orders', stroke: '#2da44e', width: 2 },
      ],
      [hourly.total, hourly.completed],
    );
  const revenue = document.getElementById('chart-revenue');
  if (revenue)
    draw(
      revenue,
      'Completed revenue per hour (UTC)',
      [{ label: 'revenue', stroke: '#8250df', fill: 'rgba(130,80,223,0.12)', width: 2 }],
      [hourly.revenue],
    );
})();
