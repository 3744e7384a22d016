/**
 * The web server's fastify app: the small REST API the CLI uses, under `/api/cli` (this file), plus the
 * dashboard (`src/web/dashboard`, its own `/api` and pages) when the composition root provides its deps.
 * CLI API errors are `{ error: { code, message } }` with a status from the stable code, so the CLI can
 * rethrow them as-is.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { SluiceError } from '../core/errors/sluice-error.ts';
import { isRunState } from '../core/run-state.ts';
import type { Operations } from '../runtime/operations.ts';
import type { DashboardDeps } from './dashboard/dashboard-deps.ts';
import { dashboardServerOptions } from './dashboard/dashboard-server-options.ts';

export interface CliApiOptions {
  readonly operations: Operations;
  /** Bearer token required (except on /health) when set. */
  readonly token?: string | undefined;
  /** Reported by /health so the CLI can tell it reached the server of its SLUICE_HOME. */
  readonly home: string;
}

export interface WebAppOptions extends CliApiOptions {
  /** Mount the dashboard too (pages, its REST API, bull-board). */
  readonly dashboard?: DashboardDeps;
}

const STATUS: Record<string, number> = {
  E_NOT_FOUND: 404,
  E_USAGE: 400,
  E_INVALID_DURATION: 400,
  E_DAG_INVALID: 400,
  E_CONFLICT: 409,
  E_UNAUTHORIZED: 401,
};

/**
 * The CLI's API as an encapsulated fastify plugin (own error handler and auth); mount under `/api/cli`.
 *
 * @example await app.register(cliApi, { prefix: '/api/cli', operations, home })
 */
export const cliApi: FastifyPluginAsync<CliApiOptions> = async (app, options) => {
  const ops = options.operations;

  app.setErrorHandler((error, _request, reply) => {
    const code =
      typeof (error as { code?: unknown }).code === 'string'
        ? (error as { code: string }).code
        : 'E_INTERNAL';
    const status =
      STATUS[code] ?? ((error as { statusCode?: number }).statusCode && code.startsWith('FST_') ? 400 : 500);
    void reply.status(status).send({ error: { code, message: (error as Error).message } });
  });

  app.addHook('onRequest', async (request) => {
    if (!options.token || request.url.endsWith('/health')) return;
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
    const expected = Buffer.from(options.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new SluiceError('E_UNAUTHORIZED', 'missing or wrong bearer token (SLUICE_WEB_TOKEN)');
  });

  app.get('/health', async () => ({ ok: true, home: options.home, pid: process.pid }));

  app.get('/dags', async () => ops.listDags());

  app.post<{ Params: { dagId: string }; Body: { intervalStart?: string } | null }>(
    '/dags/:dagId/trigger',
    async (request, reply) => {
      const intervalStart = request.body?.intervalStart;
      const run = await ops.triggerDag(request.params.dagId, intervalStart ? { intervalStart } : {});
      return reply.status(201).send(run);
    },
  );

  app.post<{ Params: { dagId: string } }>('/dags/:dagId/pause', async (request) =>
    ops.setPaused(request.params.dagId, true),
  );
  app.post<{ Params: { dagId: string } }>('/dags/:dagId/unpause', async (request) =>
    ops.setPaused(request.params.dagId, false),
  );

  app.get<{ Querystring: { dag?: string; state?: string; limit?: string } }>('/runs', async (request) => {
    const { dag, state, limit } = request.query;
    if (state !== undefined && !isRunState(state))
      throw new SluiceError(
        'E_USAGE',
        `unknown run state "${state}": use queued, running, success or failed`,
      );
    return ops.listRuns({
      ...(dag ? { dagId: dag } : {}),
      ...(state ? { state } : {}),
      ...(limit ? { limit: Number(limit) } : {}),
    });
  });

  app.get<{ Params: { runId: string } }>('/runs/:runId', async (request) => ops.getRun(request.params.runId));

  app.get<{ Params: { runId: string; taskId: string }; Querystring: { try?: string } }>(
    '/runs/:runId/tasks/:taskId/logs',
    async (request) => {
      const n = request.query.try;
      if (n !== undefined && !/^\d+$/.test(n))
        throw new SluiceError('E_USAGE', `--try ${n}: give a try number`);
      return ops.taskLogs(
        request.params.runId,
        request.params.taskId,
        n === undefined ? undefined : Number(n),
      );
    },
  );
};

/**
 * Build the app (not listening): the CLI API, and the dashboard when its deps are given.
 *
 * @example const app = await buildWebApp({ operations, home: config.home }); await app.listen({ port: 8080 })
 */
export async function buildWebApp(options: WebAppOptions): Promise<FastifyInstance> {
  // Long path segments for run ids, and URL errors before routing in the API's JSON error shape.
  const app = Fastify({ logger: false, ...dashboardServerOptions });
  await app.register(cliApi, {
    prefix: '/api/cli',
    operations: options.operations,
    home: options.home,
    token: options.token,
  });
  if (options.dashboard) {
    const { registerDashboard } = await import('./dashboard/register-dashboard.ts');
    await app.register(registerDashboard, options.dashboard);
  }
  return app;
}
