/**
 * Data-quality routes: the latest result per check, one check's trend, recent failures with samples, and the
 * quarantine browser (pages of quarantined order lines, counts per reason code).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import {
  batchIdSchema,
  checkNameSchema,
  errorSchema,
  idSchema,
  limitSchema,
  offsetSchema,
  reasonCodeSchema,
} from './api-schemas.ts';
import { rowsSchema } from './api-views.ts';
import { checkTrend, latestChecks, recentCheckFailures } from './quality-reads.ts';
import { quarantinePage, quarantineReasons } from './quarantine-reads.ts';

const errors = { 400: errorSchema, 503: errorSchema };

/** Registers the quality and quarantine routes (under the /api prefix). */
export const qualityRoutes: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (app, { ctx }) => {
  app.get(
    '/quality/checks',
    {
      schema: {
        tags: ['quality'],
        summary: 'The latest execution of every check, per DAG',
        querystring: z.object({ dagId: idSchema.optional() }),
        response: { 200: z.object({ checks: rowsSchema }), ...errors },
      },
    },
    async (req) => ({
      checks: await ctx.warehouse((wh) =>
        latestChecks(wh, { ...(req.query.dagId ? { dagId: req.query.dagId } : {}) }),
      ),
    }),
  );

  app.get(
    '/quality/trend',
    {
      schema: {
        tags: ['quality'],
        summary: 'The newest executions of one check (newest first)',
        querystring: z.object({ dagId: idSchema, check: checkNameSchema, limit: limitSchema(50, 500) }),
        response: { 200: z.object({ executions: rowsSchema }), ...errors },
      },
    },
    async (req) => ({
      executions: await ctx.warehouse((wh) =>
        checkTrend(wh, { dagId: req.query.dagId, checkName: req.query.check, limit: req.query.limit }),
      ),
    }),
  );

  app.get(
    '/quality/failures',
    {
      schema: {
        tags: ['quality'],
        summary: 'Recent executions that warned or failed, with failing-row samples',
        querystring: z.object({
          dagId: idSchema.optional(),
          check: checkNameSchema.optional(),
          limit: limitSchema(20, 200),
        }),
        response: { 200: z.object({ failures: rowsSchema }), ...errors },
      },
    },
    async (req) => ({
      failures: await ctx.warehouse((wh) =>
        recentCheckFailures(wh, {
          ...(req.query.dagId ? { dagId: req.query.dagId } : {}),
          ...(req.query.check ? { checkName: req.query.check } : {}),
          limit: req.query.limit,
        }),
      ),
    }),
  );

  app.get(
    '/quarantine',
    {
      schema: {
        tags: ['quality'],
        summary: 'A page of quarantined order lines (newest batch first)',
        querystring: z.object({
          reason: reasonCodeSchema.optional(),
          batchId: batchIdSchema.optional(),
          limit: limitSchema(50, 500),
          offset: offsetSchema,
        }),
        response: { 200: z.object({ rows: rowsSchema, hasMore: z.boolean() }), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      return ctx.warehouse((wh) =>
        quarantinePage(wh, {
          ...(q.reason ? { reasonCode: q.reason } : {}),
          ...(q.batchId ? { batchId: q.batchId } : {}),
          limit: q.limit,
          offset: q.offset,
        }),
      );
    },
  );

  app.get(
    '/quarantine/reasons',
    {
      schema: {
        tags: ['quality'],
        summary: 'Quarantined order lines per reason code',
        querystring: z.object({ batchId: batchIdSchema.optional() }),
        response: { 200: z.object({ reasons: rowsSchema }), ...errors },
      },
    },
    async (req) => ({
      reasons: await ctx.warehouse((wh) =>
        quarantineReasons(wh, { ...(req.query.batchId ? { batchId: req.query.batchId } : {}) }),
      ),
    }),
  );
};
