/**
 * `/metrics` (Prometheus text format, needs the token when one is set) and `/healthz` (open, for probes: the
 * metadata DB answers).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import type { QueueBoardSource } from '../queues/queue-board-source.ts';
import { DashboardMetrics } from './dashboard-metrics.ts';

/** Registers /metrics and /healthz. */
export const registerMetrics: FastifyPluginAsyncZod<{
  ctx: DashboardContext;
  queues?: QueueBoardSource;
}> = async (app, { ctx, queues }) => {
  const metrics = new DashboardMetrics({ ctx, ...(queues ? { queues } : {}) });

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['system'],
        summary:
          'Prometheus metrics: runs and tasks by state, durations, queues, published and quarantined lines',
        produces: ['text/plain'],
        response: { 200: z.string() },
      },
    },
    async (_req, reply) => {
      const text = await metrics.render();
      return reply.type(metrics.contentType).send(text);
    },
  );

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: the metadata DB answers',
        response: {
          200: z.object({ status: z.literal('ok'), metadata: z.string(), executor: z.string() }),
          503: z.object({ status: z.literal('unavailable'), error: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await ctx.store.listPools();
        return { status: 'ok' as const, metadata: ctx.store.kind, executor: ctx.deps.executor.kind };
      } catch (error) {
        return reply
          .code(503)
          .send({ status: 'unavailable' as const, error: String((error as Error).message).split('\n')[0]! });
      }
    },
  );
};
