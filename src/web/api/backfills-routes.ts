/**
 * Backfill routes (under /api): preview (dry run), create, list, one backfill with its progress, cancel.
 * They serve `createBackfillService` (src/runtime/backfill-service.ts), the same operations the CLI runs on
 * the stores when no server is up, so both paths answer the same JSON and the same one-line errors. The DAG
 * comes from its stored spec (what the scheduler recorded), so the web server needs no DAG files.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BACKFILL_INTERVAL_STATES, BACKFILL_STATES } from '../../core/backfill/backfill-state.ts';
import { REPROCESS_MODES } from '../../core/backfill/reprocess-mode.ts';
import { RUN_STATES } from '../../core/run-state.ts';
import { reportDryRunPreviewer } from '../../runtime/backfill-bytes.ts';
import {
  type BackfillDag,
  type BackfillDagLookup,
  type BackfillRequest,
  createBackfillService,
} from '../../runtime/backfill-service.ts';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import { errorSchema, idSchema, limitSchema } from './api-schemas.ts';
import { storedDagSpec } from './stored-dag-spec.ts';

const backfillParams = z.object({
  backfillId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a backfill id like bf-3'),
});

// Dates and modes stay strings here: the service validates them with the CLI's exact one-line messages.
const requestSchema = z
  .object({
    dagId: z.string().min(1).max(100),
    from: z.string().min(1).max(40).describe('YYYY-MM-DD (a UTC day) or an ISO instant'),
    to: z.string().min(1).max(40).describe('exclusive; YYYY-MM-DD or an ISO instant'),
    reprocess: z.string().max(20).default('missing').describe('missing | failed | all'),
    maxActiveRuns: z.number().int().default(2).describe('runs of this backfill at once (1-64)'),
    yes: z.boolean().default(false).describe('confirm a range of more than 10,000 intervals'),
  })
  .strict();

const countsSchema = z.object({
  total: z.number(),
  pending: z.number(),
  skipped: z.number(),
  cancelled: z.number(),
  queued: z.number(),
  running: z.number(),
  success: z.number(),
  failed: z.number(),
});

const viewSchema = z.object({
  backfillId: z.string(),
  dagId: z.string(),
  from: z.string(),
  to: z.string(),
  reprocess: z.enum(REPROCESS_MODES),
  maxActiveRuns: z.number(),
  state: z.enum(BACKFILL_STATES),
  totalIntervals: z.number(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  counts: countsSchema,
  runsPlanned: z.number(),
  runsDone: z.number(),
  etaSeconds: z.number().nullable(),
});

const detailSchema = viewSchema.extend({
  intervals: z
    .array(
      z.object({
        intervalStart: z.string(),
        intervalEnd: z.string(),
        runId: z.string(),
        state: z.enum(BACKFILL_INTERVAL_STATES),
        action: z.enum(['create', 'clear']).nullable(),
        priorState: z.enum(RUN_STATES).nullable(),
        reason: z.string().nullable(),
        runState: z.enum(RUN_STATES).nullable(),
      }),
    )
    .readonly()
    .optional(),
});

const planSchema = z.object({
  dagId: z.string(),
  from: z.string(),
  to: z.string(),
  reprocess: z.enum(REPROCESS_MODES),
  maxActiveRuns: z.number(),
  intervals: z.number(),
  create: z.number(),
  clear: z.number(),
  skip: z.number(),
  wait: z.number(),
  tasks: z.array(z.string()).readonly(),
  notes: z.array(z.string()).readonly(),
  items: z
    .array(
      z.object({
        intervalStart: z.string(),
        intervalEnd: z.string(),
        runId: z.string(),
        action: z.enum(['create', 'clear', 'skip', 'wait']),
        existing: z.enum(RUN_STATES).nullable(),
        reason: z.string().nullable(),
        files: z
          .object({ count: z.number(), bytes: z.number(), objects: z.array(z.string()).readonly() })
          .nullable(),
        bytesProcessed: z.number().nullable(),
      }),
    )
    .readonly()
    .optional(),
});

const createdSchema = z.object({ backfill: viewSchema, plan: planSchema });

/** DAGs as the scheduler recorded them (schedule, dates and task jobs from the stored spec). */
function storedDags(ctx: DashboardContext): BackfillDagLookup {
  return {
    async get(dagId): Promise<BackfillDag | undefined> {
      const record = await ctx.store.getDag(dagId);
      if (!record?.active) return undefined;
      const spec = storedDagSpec(record);
      return {
        id: record.dagId,
        schedule: record.schedule,
        startDate: spec.startDate ?? new Date(0),
        endDate: spec.endDate,
        tasks: spec.tasks.map((t) => ({ id: t.id, job: t.job })),
      };
    },
    async ids() {
      return (await ctx.store.listDags()).filter((d) => d.active).map((d) => d.dagId);
    },
  };
}

/** Registers the backfill routes (under the /api prefix). */
export const backfillsRoutes: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (app, { ctx }) => {
  const service = () =>
    createBackfillService({
      store: ctx.store,
      dags: storedDags(ctx),
      clock: ctx.clock,
      ...(ctx.deps.notify ? { onChange: ctx.deps.notify } : {}),
    });

  /** The dry run, with BigQuery bytes when the warehouse can estimate them. */
  async function preview(body: BackfillRequest) {
    const previewer = reportDryRunPreviewer({
      openWarehouse: ctx.deps.openWarehouse,
      projectDir: ctx.deps.config.projectDir,
    });
    try {
      return await createBackfillService({
        store: ctx.store,
        dags: storedDags(ctx),
        clock: ctx.clock,
        previewer,
      }).plan(body);
    } finally {
      await previewer.close?.();
    }
  }

  app.post(
    '/backfills',
    {
      schema: {
        tags: ['backfills'],
        summary:
          'Create a backfill: one run per schedule interval starting in [from, to); the scheduler executes it. With dryRun: the preview, nothing created',
        body: requestSchema.extend({ dryRun: z.boolean().default(false) }),
        response: {
          200: planSchema,
          201: createdSchema,
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const { dryRun, ...request } = req.body;
      if (dryRun) return reply.code(200).send(await preview(request));
      return reply.code(201).send(await service().create(request));
    },
  );

  app.post(
    '/backfills/dry-run',
    {
      schema: {
        tags: ['backfills'],
        summary:
          'What a backfill would do now, interval by interval (run to create, clear or skip; files; BigQuery bytes); creates nothing',
        body: requestSchema,
        response: { 200: planSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req) => preview(req.body),
  );

  app.get(
    '/backfills',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Backfills, newest first, with their progress',
        querystring: z.object({ dagId: idSchema.optional(), limit: limitSchema(50, 500) }),
        response: { 200: z.array(viewSchema), 400: errorSchema },
      },
    },
    async (req) =>
      service().list({ ...(req.query.dagId ? { dagId: req.query.dagId } : {}), limit: req.query.limit }),
  );

  app.get(
    '/backfills/:backfillId',
    {
      schema: {
        tags: ['backfills'],
        summary: 'One backfill with its progress (and every interval with intervals=true)',
        params: backfillParams,
        querystring: z.object({ intervals: z.enum(['true', 'false']).optional() }),
        response: { 200: detailSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req) => service().status(req.params.backfillId, { intervals: req.query.intervals === 'true' }),
  );

  app.post(
    '/backfills/:backfillId/cancel',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Cancel a backfill: no new runs; runs already started finish',
        params: backfillParams,
        response: { 200: viewSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req) => service().cancel(req.params.backfillId),
  );
};
