/**
 * DAG pages: the DAG list, the grid of one DAG and one task instance (tries, logs, result, error).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isFinished, TASK_STATES } from '../../../core/task-state.ts';
import { idSchema, instantSchema, runIdSchema } from '../../api/api-schemas.ts';
import { listDagSummaries } from '../../api/list-dag-summaries.ts';
import { loadDagGrid } from '../../api/load-dag-grid.ts';
import { loadTaskDetail } from '../../api/load-task-detail.ts';
import { type PageKit, sendPage } from './page-kit.ts';

const RECENT = 14;
const GRID_RUNS = 25;

/** Registers /ui/dags, /ui/dags/:dagId and /ui/runs/:runId/tasks/:taskId. */
export const dagPages: FastifyPluginAsyncZod<{ kit: PageKit }> = async (app, { kit }) => {
  const { ctx } = kit;

  app.get('/ui/dags', { schema: { tags: ['pages'], summary: 'DAG list (HTML)' } }, async (req, reply) => {
    const dags = await listDagSummaries(ctx.store, ctx.clock.now(), RECENT);
    const view = dags.map((s) => ({ ...s, recentRunsOldestFirst: [...s.recentRuns].reverse() }));
    return sendPage(kit, req, reply, 'dags', 'dags', {
      dags: view,
      recent: RECENT,
      refreshSeconds: dags.some((s) => s.activeRuns > 0) ? 5 : 0,
    });
  });

  app.get(
    '/ui/dags/:dagId',
    {
      schema: {
        tags: ['pages'],
        summary: 'Grid of one DAG: runs x tasks (HTML)',
        params: z.object({ dagId: idSchema }),
        querystring: z.object({ before: instantSchema.optional(), after: instantSchema.optional() }),
      },
    },
    async (req, reply) => {
      const grid = await loadDagGrid(ctx.store, req.params.dagId, { ...req.query, limit: GRID_RUNS });
      const durations = grid.runs.map((r) =>
        r.startedAt ? (r.endedAt ?? ctx.clock.now()).getTime() - r.startedAt.getTime() : 0,
      );
      const longest = Math.max(1, ...durations);
      const columns = grid.runs.map((run, i) => ({
        run,
        cells: Object.fromEntries(grid.cells.get(run.runId) ?? []),
        durationMs: run.startedAt ? durations[i] : null,
        barPct: Math.max(4, Math.round((durations[i]! / longest) * 100)),
      }));
      return sendPage(kit, req, reply, 'grid', 'dags', {
        grid,
        columns,
        columnsNewestFirst: [...columns].reverse(),
        states: TASK_STATES,
        refreshSeconds: grid.runs.some((r) => r.state === 'queued' || r.state === 'running') ? 3 : 0,
      });
    },
  );

  app.get(
    '/ui/runs/:runId/tasks/:taskId',
    {
      schema: {
        tags: ['pages'],
        summary: 'One task instance: tries, logs, result, error (HTML)',
        params: z.object({ runId: runIdSchema, taskId: idSchema }),
        querystring: z.object({ try: z.coerce.number().int().min(1).max(1_000_000).optional() }),
      },
    },
    async (req, reply) => {
      const d = await loadTaskDetail(ctx.store, req.params.runId, req.params.taskId, req.query.try);
      const selected = d.tries.find((t) => t.tryNumber === d.selectedTry) ?? null;
      return sendPage(kit, req, reply, 'task', 'dags', {
        d,
        selected,
        hasResult: d.instance.result !== null && d.instance.result !== undefined,
        refreshSeconds: isFinished(d.instance.state) && d.instance.state !== 'none' ? 0 : 3,
      });
    },
  );
};
