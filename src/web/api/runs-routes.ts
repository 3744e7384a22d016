/**
 * Run routes: the paged run list, one run with its task instances, one task instance with tries and logs,
 * and clear (retry) of a task or of a run's failed tasks.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { RUN_STATES, RUN_TYPES } from '../../core/run-state.ts';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import {
  csvEnum,
  errorSchema,
  flagSchema,
  idSchema,
  limitSchema,
  runCursorSchema,
  runIdSchema,
} from './api-schemas.ts';
import {
  logLineView,
  logLineViewSchema,
  runView,
  runViewSchema,
  taskInstanceView,
  taskInstanceViewSchema,
  tryView,
  tryViewSchema,
} from './api-views.ts';
import { listRunsPage } from './list-runs-page.ts';
import { loadTaskDetail } from './load-task-detail.ts';
import { storedDagSpec, withDownstream } from './stored-dag-spec.ts';

const runParams = z.object({ runId: runIdSchema });
const taskParams = z.object({ runId: runIdSchema, taskId: idSchema });
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema };
const clearedSchema = z.object({ runId: z.string(), cleared: z.array(z.string()) });

/** Registers the run routes (under the /api prefix). */
export const runsRoutes: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (app, { ctx }) => {
  app.get(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary:
          'Runs, newest interval first; the next page is in the x-next-cursor header (and a Link rel=next)',
        querystring: z.object({
          dagId: idSchema.optional(),
          dag: idSchema.optional().describe('same as dagId (the CLI sends dag)'),
          state: csvEnum(RUN_STATES).optional().describe('comma-separated run states'),
          runType: csvEnum(RUN_TYPES).optional().describe('comma-separated run types'),
          cursor: runCursorSchema.optional(),
          limit: limitSchema(50, 500),
        }),
        response: { 200: z.array(runViewSchema), 400: errorSchema },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const dagId = q.dagId ?? q.dag;
      const page = await listRunsPage(ctx.store, {
        ...(dagId ? { dagId } : {}),
        ...(q.state ? { states: q.state } : {}),
        ...(q.runType ? { runTypes: q.runType } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        limit: q.limit,
      });
      if (page.nextCursor) {
        // The same query as asked (as the client wrote it), with the new cursor.
        const next = new URLSearchParams(req.url.split('?')[1] ?? '');
        next.set('cursor', page.nextCursor);
        reply
          .header('x-next-cursor', page.nextCursor)
          .header('link', `</api/runs?${next.toString()}>; rel="next"`);
      }
      return page.runs.map(runView);
    },
  );

  app.get(
    '/runs/:runId',
    {
      schema: {
        tags: ['runs'],
        summary: 'One run with its task instances',
        params: runParams,
        response: {
          200: z.object({ run: runViewSchema, tasks: z.array(taskInstanceViewSchema) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const run = await ctx.store.getRun(req.params.runId);
      if (!run) throw new NotFoundError(`no run "${req.params.runId}"; GET /api/runs lists them`);
      const [tasks, tries] = await Promise.all([
        ctx.store.listTaskInstances(run.runId),
        ctx.store.listTries(run.runId),
      ]);
      return { run: runView(run), tasks: tasks.map((ti) => taskInstanceView(ti, tries)) };
    },
  );

  app.get(
    '/runs/:runId/tasks/:taskId',
    {
      schema: {
        tags: ['runs'],
        summary: 'One task instance with its tries (errors, results)',
        params: taskParams,
        response: {
          200: taskInstanceViewSchema.extend({ tries: z.array(tryViewSchema) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const detail = await loadTaskDetail(ctx.store, req.params.runId, req.params.taskId);
      return { ...taskInstanceView(detail.instance, detail.tries), tries: detail.tries.map(tryView) };
    },
  );

  app.get(
    '/runs/:runId/tasks/:taskId/logs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Log lines of one try (the latest unless `try` is given)',
        params: taskParams,
        querystring: z.object({ try: z.coerce.number().int().min(1).max(1_000_000).optional() }),
        response: {
          200: z.object({
            runId: z.string(),
            taskId: z.string(),
            tryNumber: z.number().nullable(),
            lines: z.array(logLineViewSchema),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const detail = await loadTaskDetail(ctx.store, req.params.runId, req.params.taskId, req.query.try);
      return {
        runId: detail.run.runId,
        taskId: detail.instance.taskId,
        tryNumber: detail.selectedTry,
        lines: detail.logs.map(logLineView),
      };
    },
  );

  app.post(
    '/runs/:runId/tasks/:taskId/clear',
    {
      schema: {
        tags: ['runs'],
        summary: 'Clear (retry) a task, and its downstream tasks unless downstream=false',
        params: taskParams,
        body: z.object({ downstream: z.boolean().optional() }).strict().nullish(),
        response: { 200: clearedSchema, ...errors },
      },
    },
    async (req) => {
      const { runId, taskId } = req.params;
      const run = await ctx.store.getRun(runId);
      if (!run) throw new NotFoundError(`no run "${runId}"; GET /api/runs lists them`);
      if (!(await ctx.store.getTaskInstance(runId, taskId)))
        throw new NotFoundError(`run "${runId}" has no task "${taskId}"`);
      const dag = await ctx.store.getDag(run.dagId);
      const taskIds =
        req.body?.downstream === false || !dag ? [taskId] : withDownstream(storedDagSpec(dag), [taskId]);
      const cleared = new Set(await ctx.actions.clearTasks(runId, taskIds.length ? taskIds : [taskId]));
      // In the DAG's order, whatever order the store reports them in.
      return { runId, cleared: taskIds.filter((id) => cleared.has(id)) };
    },
  );

  app.post(
    '/runs/:runId/clear',
    {
      schema: {
        tags: ['runs'],
        summary: 'Clear the failed and upstream_failed tasks of a run (or all finished ones with all=true)',
        params: runParams,
        querystring: z.object({ all: flagSchema }),
        response: { 200: clearedSchema, ...errors },
      },
    },
    async (req) => {
      const { runId } = req.params;
      const run = await ctx.store.getRun(runId);
      if (!run) throw new NotFoundError(`no run "${runId}"; GET /api/runs lists them`);
      const instances = await ctx.store.listTaskInstances(runId);
      const taskIds = instances
        .filter((ti) => (req.query.all ? true : ti.state === 'failed' || ti.state === 'upstream_failed'))
        .map((ti) => ti.taskId);
      return { runId, cleared: taskIds.length ? await ctx.actions.clearTasks(runId, taskIds) : [] };
    },
  );
};
