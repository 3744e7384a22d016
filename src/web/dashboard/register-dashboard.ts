/**
 * The whole dashboard as one fastify plugin: security (token, login, CSRF), the REST API under /api with its
 * OpenAPI description, the HTML pages under /ui, /metrics and /healthz, and the job queues at /queues
 * (bull-board with the bullmq executor, a note with the local one).
 *
 * @example
 * const app = Fastify();
 * await app.register(registerDashboard, { store, openWarehouse: () => openWarehouse(config), executor, config });
 * await app.listen({ host: config.web.host, port: config.web.port });
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiErrorHandler, toHttpError } from '../api/http-errors.ts';
import { registerApi } from '../api/register-api.ts';
import { registerMetrics } from '../metrics/register-metrics.ts';
import { registerOpenApi, registerOpenApiRoute } from '../openapi/register-openapi.ts';
import type { QueueBoardSource } from '../queues/queue-board-source.ts';
import { registerQueues } from '../queues/register-queues.ts';
import { assertSafeBinding } from '../security/loopback.ts';
import { registerSecurity } from '../security/register-security.ts';
import { registerAssetRoutes } from './asset-routes.ts';
import { createDashboardContext } from './dashboard-context.ts';
import type { DashboardDeps } from './dashboard-deps.ts';
import { createPageRenderer } from './page-renderer.ts';
import { dagPages } from './pages/dag-pages.ts';
import { metricsPage } from './pages/metrics-page.ts';
import { miscPages } from './pages/misc-pages.ts';
import { type PageKit, sendPage } from './pages/page-kit.ts';
import { qualityPages } from './pages/quality-pages.ts';

const VERSION = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/**
 * Register the dashboard on `app`. Refuses (throws `E_WEB_INSECURE_BIND`) when `config.web.host` is not a
 * loopback address and no token is configured.
 */
export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  assertSafeBinding(deps.config.web.host, deps.config.web.token);
  const ctx = createDashboardContext(deps);
  const pages = createPageRenderer();
  const kit: PageKit = { ctx, pages };
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  zapp.setValidatorCompiler(validatorCompiler);
  zapp.setSerializerCompiler(serializerCompiler);

  // Pages get an HTML error page, everything else the JSON error shape; never a stack trace.
  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/ui/')) return apiErrorHandler(error, request, reply);
    const { status, body } = toHttpError(error, String(request.id));
    if (status >= 500) request.log.error({ err: error }, 'dashboard page failed');
    return sendPage(
      kit,
      request,
      reply,
      'error',
      '',
      { status, title: body.error.code, message: body.error.message },
      status,
    );
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });

  // The description first: it collects the routes registered after it, the login routes included.
  await registerOpenApi(app, VERSION);
  await app.register(registerSecurity, {
    token: deps.config.web.token,
    clock: ctx.clock,
    renderLogin: (view) => pages.render('login', view),
  });

  await zapp.register(registerApi, { prefix: '/api', ctx });
  registerOpenApiRoute(app);

  let queues: QueueBoardSource | undefined = deps.queues;
  if (deps.executor.kind === 'bullmq' && !queues) {
    const { openBullBoardQueues } = await import('../../adapters/executor/bullmq/bull-board-queues.ts');
    const { bullmqSettingsFrom, DEFAULT_POOLS } = await import(
      '../../adapters/executor/bullmq/bullmq-config.ts'
    );
    const pools = (await deps.store.listPools()).map((p) => p.name);
    queues = await openBullBoardQueues(bullmqSettingsFrom(deps.config), pools.length ? pools : DEFAULT_POOLS);
    const opened = queues;
    app.addHook('onClose', async () => opened.close());
  }
  if (deps.executor.kind === 'bullmq' && queues) await registerQueues(app, queues);

  await zapp.register(registerMetrics, { ctx, ...(queues ? { queues } : {}) });
  registerAssetRoutes(app);
  await zapp.register(dagPages, { kit });
  await zapp.register(qualityPages, { kit });
  await zapp.register(metricsPage, { kit });
  await zapp.register(miscPages, { kit, queuesNote: deps.executor.kind !== 'bullmq' });
}
