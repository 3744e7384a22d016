/**
 * What every page shares: the navigation, the values the layout needs (CSRF token, auth kind, executor) and
 * the security headers HTML answers carry (a strict Content-Security-Policy: only our own scripts run).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenFor } from '../../security/register-security.ts';
import type { DashboardContext } from '../dashboard-context.ts';
import type { PageRenderer } from '../page-renderer.ts';

export interface PageKit {
  readonly ctx: DashboardContext;
  readonly pages: PageRenderer;
}

export const NAV = [
  { id: 'dags', label: 'DAGs', href: '/ui/dags' },
  { id: 'quality', label: 'Data quality', href: '/ui/quality' },
  { id: 'quarantine', label: 'Quarantine', href: '/ui/quarantine' },
  { id: 'metrics', label: 'Metrics', href: '/ui/metrics' },
  { id: 'backfills', label: 'Backfills', href: '/ui/backfills' },
  { id: 'queues', label: 'Queues', href: '/queues' },
  { id: 'api', label: 'API', href: '/api/openapi.json' },
] as const;

export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/**
 * Render a page with the layout's values and send it with the security headers.
 *
 * @example return sendPage(kit, req, reply, 'dags', 'dags', { dags })
 */
export function sendPage(
  kit: PageKit,
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  active: string,
  view: Record<string, unknown>,
  status = 200,
): FastifyReply {
  const html = kit.pages.render(template, {
    nav: NAV,
    active,
    csrfToken: csrfTokenFor(request, reply),
    authKind: request.sluiceAuth,
    executorKind: kit.ctx.deps.executor.kind,
    warehouseKind: kit.ctx.deps.config.warehouse.kind,
    ...view,
  });
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .send(html);
}

/** A warehouse failure shown inside a page instead of failing the page (busy DuckDB, tables not created). */
export function warehouseUnavailable(error: unknown): string | null {
  const code = (error as { code?: unknown })?.code;
  if (code === 'E_WAREHOUSE_LOCKED')
    return 'The warehouse is busy (a task holds the DuckDB file); this page retries on reload.';
  if (code === 'E_WAREHOUSE_NOT_FOUND')
    return 'The warehouse tables do not exist yet: run `sluice init` (or `sluice demo`).';
  return null;
}
