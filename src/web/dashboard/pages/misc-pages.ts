/**
 * The remaining pages: the backfill form and progress pages (shells that read and drive /api/backfills from
 * the browser), the root redirect, and the queues note shown instead of bull-board with the local executor.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idSchema } from '../../api/api-schemas.ts';
import { type PageKit, sendPage } from './page-kit.ts';

const DAY = 86_400_000;

/** Registers /, /ui, /ui/backfills, /ui/backfills/:backfillId and (with the local executor) /queues. */
export const miscPages: FastifyPluginAsyncZod<{ kit: PageKit; queuesNote: boolean }> = async (
  app,
  { kit, queuesNote },
) => {
  const { ctx } = kit;
  for (const path of ['/', '/ui', '/ui/'])
    app.get(path, { schema: { tags: ['pages'], summary: 'Redirect to the DAG list' } }, async (_req, reply) =>
      reply.redirect('/ui/dags', 302),
    );

  app.get(
    '/ui/backfills',
    {
      schema: {
        tags: ['pages'],
        summary: 'Backfills: the form with a dry-run preview, and the list (HTML)',
        querystring: z.object({ dagId: idSchema.optional() }),
      },
    },
    async (req, reply) => {
      const dagIds = (await ctx.store.listDags()).filter((d) => d.active && d.schedule).map((d) => d.dagId);
      // Default range: the last 7 whole UTC days.
      const today = new Date(Math.floor(ctx.clock.now().getTime() / DAY) * DAY);
      return sendPage(kit, req, reply, 'backfills', 'backfills', {
        dagIds,
        dagId: req.query.dagId,
        from: new Date(today.getTime() - 7 * DAY).toISOString().slice(0, 10),
        to: today.toISOString().slice(0, 10),
      });
    },
  );

  app.get(
    '/ui/backfills/:backfillId',
    {
      schema: {
        tags: ['pages'],
        summary: 'One backfill: progress, intervals, cancel (HTML)',
        params: z.object({
          backfillId: z
            .string()
            .min(1)
            .max(100)
            .regex(/^[A-Za-z0-9_-]+$/),
        }),
      },
    },
    async (req, reply) =>
      sendPage(kit, req, reply, 'backfill', 'backfills', { backfillId: req.params.backfillId }),
  );

  if (queuesNote)
    app.get(
      '/queues',
      { schema: { tags: ['pages'], summary: 'Job queues: a note and the pools (local executor)' } },
      async (req, reply) => {
        const pools = await ctx.store.listPools();
        const inFlight = ctx.deps.executor.inFlight ? await ctx.deps.executor.inFlight() : null;
        return sendPage(kit, req, reply, 'queues-note', 'queues', {
          pools,
          inFlight,
          showInFlight: inFlight !== null,
        });
      },
    );
};
