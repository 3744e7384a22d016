/**
 * The metrics page: hourly orders and revenue (uPlot charts), revenue by category, and the latest reports as
 * tables with CSV download links.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { categoryRevenue, hourlyMetrics } from '../../api/metric-reads.ts';
import { REPORT_NAMES, REPORTS, reportColumns } from '../../api/report-catalog.ts';
import { reportDates, reportPage } from '../../api/report-reads.ts';
import { type PageKit, sendPage, warehouseUnavailable } from './page-kit.ts';

const REPORT_ROWS = 20;

/** Registers /ui/metrics. */
export const metricsPage: FastifyPluginAsyncZod<{ kit: PageKit }> = async (app, { kit }) => {
  const { ctx } = kit;
  app.get(
    '/ui/metrics',
    {
      schema: { tags: ['pages'], summary: 'Hourly orders and revenue, revenue by category, reports (HTML)' },
    },
    async (req, reply) => {
      let view: Record<string, unknown>;
      try {
        view = await ctx.warehouse(async (wh) => {
          const hourly = await hourlyMetrics(wh, {});
          const categories = await categoryRevenue(wh, {});
          const reports = [];
          for (const name of REPORT_NAMES) {
            const entry = REPORTS[name];
            const dates = await reportDates(wh, entry, 5);
            const newest = dates[0];
            const page = newest
              ? await reportPage(wh, entry, { reportDate: newest.report_date, limit: REPORT_ROWS, offset: 0 })
              : { rows: [] };
            reports.push({
              name,
              title: entry.title,
              dates,
              reportDate: newest?.report_date ?? null,
              rowCount: newest?.row_count ?? 0,
              columns: reportColumns(entry),
              rows: page.rows,
            });
          }
          const most = Math.max(1, ...categories.rows.map((r) => Number(r.revenue) || 0));
          return {
            hourly,
            hourlyJson: {
              t: hourly.rows.map((r) => Math.floor(new Date(String(r.hour_start)).getTime() / 1000)),
              total: hourly.rows.map((r) => Number(r.total_orders)),
              completed: hourly.rows.map((r) => Number(r.completed_orders)),
              revenue: hourly.rows.map((r) => Number(r.revenue)),
            },
            categories: {
              ...categories,
              rows: categories.rows.map((r) => ({
                ...r,
                pct: Math.round(((Number(r.revenue) || 0) / most) * 100),
              })),
            },
            reports,
          };
        });
      } catch (error) {
        const unavailable = warehouseUnavailable(error);
        if (!unavailable) throw error;
        view = { unavailable };
      }
      return sendPage(kit, req, reply, 'metrics', 'metrics', view);
    },
  );
};
