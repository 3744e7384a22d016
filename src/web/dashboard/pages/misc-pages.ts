/**
 * The remaining pages: the backfill page (a note until backfills land), the root redirect, and the queues
 * note shown instead of bull-board when the local executor is in use.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type PageKit, sendPage } from './page-kit.ts';

/** Registers /, /ui, /ui/backfills and (with the local executor) /queues. */
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
    { schema: { tags: ['pages'], summary: 'Backfills (HTML)' } },
    async (req, reply) => {
      const dagIds = (await ctx.store.listDags()).map((d) => d.dagId);
      return sendPage(kit, req, reply, 'backfills', 'backfills', { dagIds });
    },
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
