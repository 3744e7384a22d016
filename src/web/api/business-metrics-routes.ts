/**
 * Business metric routes for the charts: hourly orders and revenue, and revenue by category. (The Prometheus
 * endpoint is /metrics, outside /api.)
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import { dateSchema, errorSchema, instantSchema } from './api-schemas.ts';
import { rowsSchema } from './api-views.ts';
import { categoryRevenue, hourlyMetrics } from './metric-reads.ts';

const errors = { 400: errorSchema, 503: errorSchema };

/** Registers the business metric routes (under the /api prefix). */
export const businessMetricsRoutes: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (
  app,
  { ctx },
) => {
  app.get(
    '/metrics/hourly',
    {
      schema: {
        tags: ['metrics'],
        summary: 'agg_hourly_metrics for hours in [from, to) (default: the newest 48 hours), at most 31 days',
        querystring: z.object({ from: instantSchema.optional(), to: instantSchema.optional() }),
        response: {
          200: z.object({ from: z.string().nullable(), to: z.string().nullable(), hours: rowsSchema }),
          ...errors,
        },
      },
    },
    async (req) => {
      const series = await ctx.warehouse((wh) =>
        hourlyMetrics(wh, {
          ...(req.query.from ? { from: req.query.from } : {}),
          ...(req.query.to ? { to: req.query.to } : {}),
        }),
      );
      return {
        from: series.from?.toISOString() ?? null,
        to: series.to?.toISOString() ?? null,
        hours: series.rows,
      };
    },
  );

  app.get(
    '/metrics/categories',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Completed revenue per category for order dates in [from, to] (default: the newest 30 days)',
        querystring: z.object({ from: dateSchema.optional(), to: dateSchema.optional() }),
        response: {
          200: z.object({ from: z.string().nullable(), to: z.string().nullable(), categories: rowsSchema }),
          ...errors,
        },
      },
    },
    async (req) => {
      const r = await ctx.warehouse((wh) =>
        categoryRevenue(wh, {
          ...(req.query.from ? { from: req.query.from } : {}),
          ...(req.query.to ? { to: req.query.to } : {}),
        }),
      );
      return { from: r.from, to: r.to, categories: r.rows };
    },
  );
};
