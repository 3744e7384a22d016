/**
 * DAG routes: list, one DAG, its grid (runs x tasks, paged), trigger a manual run, pause and unpause.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import { errorSchema, idSchema, instantSchema, limitSchema } from './api-schemas.ts';
import {
  dagView,
  dagViewSchema,
  runView,
  runViewSchema,
  taskInstanceView,
  taskInstanceViewSchema,
} from './api-views.ts';
import { getDagSummary, listDagSummaries } from './list-dag-summaries.ts';
import { loadDagGrid } from './load-dag-grid.ts';

const dagParams = z.object({ dagId: idSchema });
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

/** Registers the DAG routes (under the /api prefix). */
export const dagsRoutes: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (app, { ctx }) => {
  app.get(
    '/dags',
    {
      schema: {
        tags: ['dags'],
        summary: 'Every DAG with schedule, paused flag, latest runs and next run',
        querystring: z.object({ recent: limitSchema(12, 50) }),
        response: {
          200: z.object({
            dags: z.array(dagViewSchema),
            errors: z.array(z.string()).describe('DAG files that did not load (known to the scheduler only)'),
          }),
          400: errorSchema,
        },
      },
    },
    async (req) => ({
      dags: (await listDagSummaries(ctx.store, ctx.clock.now(), req.query.recent)).map(dagView),
      errors: [],
    }),
  );

  app.get(
    '/dags/:dagId',
    {
      schema: {
        tags: ['dags'],
        summary: 'One DAG with its tasks and latest runs',
        params: dagParams,
        querystring: z.object({ recent: limitSchema(12, 50) }),
        response: { 200: dagViewSchema, ...errors },
      },
    },
    async (req) => {
      const summary = await getDagSummary(ctx.store, req.params.dagId, ctx.clock.now(), req.query.recent);
      if (!summary) throw new NotFoundError(`no DAG "${req.params.dagId}"; GET /api/dags lists them`);
      return dagView(summary);
    },
  );

  app.get(
    '/dags/:dagId/grid',
    {
      schema: {
        tags: ['dags'],
        summary: 'A page of runs x tasks (oldest first); page with before/after',
        params: dagParams,
        querystring: z.object({
          before: instantSchema.optional().describe('runs whose interval starts before this instant'),
          after: instantSchema.optional().describe('runs whose interval starts after this instant'),
          limit: limitSchema(25, 100),
        }),
        response: {
          200: z.object({
            dagId: z.string(),
            taskIds: z.array(z.string()),
            runs: z.array(
              runViewSchema.extend({
                tasks: z.record(z.string(), taskInstanceViewSchema.omit({ error: true })),
              }),
            ),
            older: z.string().nullable().describe('`before` of the older page'),
            newer: z.string().nullable().describe('`after` of the newer page'),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const grid = await loadDagGrid(ctx.store, req.params.dagId, req.query);
      return {
        dagId: grid.dag.dagId,
        taskIds: [...grid.taskIds],
        runs: grid.runs.map((run) => ({
          ...runView(run),
          tasks: Object.fromEntries(
            [...(grid.cells.get(run.runId)?.values() ?? [])].map((ti) => {
              const { error: _none, ...cell } = taskInstanceView(ti);
              return [ti.taskId, cell];
            }),
          ),
        })),
        older: grid.older?.toISOString() ?? null,
        newer: grid.newer?.toISOString() ?? null,
      };
    },
  );

  app.post(
    '/dags/:dagId/trigger',
    {
      schema: {
        tags: ['dags'],
        summary: 'Create a manual run (the latest complete interval, or the one starting at intervalStart)',
        params: dagParams,
        body: z
          .object({
            intervalStart: instantSchema.optional(),
            conf: z.record(z.string(), z.unknown()).optional(),
          })
          .strict()
          .nullish(),
        response: { 201: runViewSchema, ...errors },
      },
    },
    async (req, reply) => {
      const run = await ctx.actions.trigger(req.params.dagId, {
        ...(req.body?.intervalStart ? { intervalStart: req.body.intervalStart } : {}),
        conf: (req.body?.conf as never) ?? null,
      });
      return reply.code(201).send(runView(run));
    },
  );

  for (const paused of [true, false]) {
    app.post(
      `/dags/:dagId/${paused ? 'pause' : 'unpause'}`,
      {
        schema: {
          tags: ['dags'],
          summary: paused ? 'Pause a DAG (no new scheduled runs)' : 'Unpause a DAG',
          params: dagParams,
          response: { 200: dagViewSchema, ...errors },
        },
      },
      async (req) => {
        await ctx.actions.setPaused(req.params.dagId, paused);
        const summary = await getDagSummary(ctx.store, req.params.dagId, ctx.clock.now());
        if (!summary) throw new NotFoundError(`no DAG "${req.params.dagId}"; GET /api/dags lists them`);
        return dagView(summary);
      },
    );
  }
};
