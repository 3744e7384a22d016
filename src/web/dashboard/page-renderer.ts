/**
 * Server-side rendering of the dashboard pages: nunjucks templates from `templates/` with autoescaping on, and
 * the few filters the pages need (instants, durations, JSON, state colours). Pages are plain HTML; the only
 * scripts are our own and uPlot, served from the package (docs/adr/0014-dashboard-server-rendered.md).
 */
import { join } from 'node:path';
import nunjucks from 'nunjucks';

const TEMPLATES = join(import.meta.dirname, 'templates');

export interface PageRenderer {
  /** Render `templates/<name>.njk` with `view`. */
  render(name: string, view: Record<string, unknown>): string;
}

/**
 * Format an instant (Date or ISO string) as `YYYY-MM-DD HH:MM:SS` UTC; '' for none.
 *
 * @example formatInstant(new Date('2026-01-01T10:15:00Z')) // '2026-01-01 10:15:00'
 */
export function formatInstant(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * A duration in milliseconds for people: `850 ms`, `12.4 s`, `3 m 05 s`, `2 h 10 m`; '' for none.
 *
 * @example formatDuration(185_000) // '3 m 05 s'
 */
export function formatDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/**
 * Build the renderer (templates are cached in production, reloaded when `watch` is set).
 *
 * @example const pages = createPageRenderer(); reply.type('text/html').send(pages.render('dags', { dags }))
 */
export function createPageRenderer(options: { watch?: boolean } = {}): PageRenderer {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(TEMPLATES, { noCache: Boolean(options.watch) }),
    {
      autoescape: true,
      throwOnUndefined: false,
      trimBlocks: true,
      lstripBlocks: true,
    },
  );
  env.addFilter('instant', formatInstant);
  env.addFilter('duration', formatDuration);
  env.addFilter('span', (a: unknown, b: unknown) => {
    if (!a || !b) return '';
    return formatDuration(
      new Date(String(b instanceof Date ? b.toISOString() : b)).getTime() -
        new Date(String(a instanceof Date ? a.toISOString() : a)).getTime(),
    );
  });
  env.addFilter('spanMs', (a: unknown, b: unknown) => {
    if (!(a instanceof Date) || !(b instanceof Date)) return null;
    return b.getTime() - a.getTime();
  });
  env.addFilter('pretty', (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  // For <script type="application/json">: JSON with `<` escaped so no value can close the script element.
  env.addFilter(
    'jsonScript',
    (value: unknown) =>
      new nunjucks.runtime.SafeString(JSON.stringify(value ?? null).replace(/</g, '\\u003c')),
  );
  env.addFilter('iso', (value: unknown) =>
    value instanceof Date ? value.toISOString() : value ? String(value) : '',
  );
  env.addFilter('urlencode', (value: unknown) => encodeURIComponent(String(value ?? '')));
  return {
    render: (name, view) => env.render(`${name}.njk`, view),
  };
}
