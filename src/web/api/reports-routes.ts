/**
 * Report routes: the reports with their newest dates, a page of one report date, and its CSV download.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import { dateSchema, errorSchema, limitSchema, offsetSchema } from './api-schemas.ts';
import { rowsSchema } from './api-views.ts';
import { REPORT_NAMES, REPORTS, reportColumns } from './report-catalog.ts';
import { reportDates, reportPage, reportRowsForCsv } from './report-reads.ts';
import { toCsv } from './to-csv.ts';

const errors = { 400: errorSchema, 404: errorSchema, 503: errorSchema };
const reportParams = z.object({ report: z.enum(REPORT_NAMES) });

/** Registers the report routes (under the /api prefix). */
export const reportsRoutes: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (app, { ctx }) => {
  app.get(
    '/reports',
    {
      schema: {
        tags: ['reports'],
        summary: 'Every report with its newest report dates',
        querystring: z.object({ dates: limitSchema(10, 100) }),
        response: {
          200: z.object({
            reports: z.array(
              z.object({
                report: z.string(),
                title: z.string(),
                dates: z.array(z.object({ report_date: z.string(), row_count: z.number() })),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => ({
      reports: await ctx.warehouse(async (wh) => {
        const out = [];
        for (const name of REPORT_NAMES) {
          const entry = REPORTS[name];
          out.push({
            report: name,
            title: entry.title,
            dates: await reportDates(wh, entry, req.query.dates),
          });
        }
        return out;
      }),
    }),
  );

  app.get(
    '/reports/:report',
    {
      schema: {
        tags: ['reports'],
        summary: 'A page of one report date (default: the newest)',
        params: reportParams,
        querystring: z.object({
          date: dateSchema.optional(),
          limit: limitSchema(50, 1000),
          offset: offsetSchema,
        }),
        response: {
          200: z.object({
            report: z.string(),
            reportDate: z.string().nullable(),
            columns: z.array(z.string()),
            rows: rowsSchema,
            hasMore: z.boolean(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const entry = REPORTS[req.params.report];
      return ctx.warehouse(async (wh) => {
        const reportDate = req.query.date ?? (await reportDates(wh, entry, 1))[0]?.report_date ?? null;
        if (!reportDate)
          return {
            report: entry.name,
            reportDate: null,
            columns: reportColumns(entry),
            rows: [],
            hasMore: false,
          };
        const page = await reportPage(wh, entry, {
          reportDate,
          limit: req.query.limit,
          offset: req.query.offset,
        });
        return { report: entry.name, reportDate, columns: reportColumns(entry), ...page };
      });
    },
  );

  app.get(
    '/reports/:report/csv',
    {
      schema: {
        tags: ['reports'],
        summary: 'CSV download of one report date (default: the newest)',
        params: reportParams,
        querystring: z.object({ date: dateSchema.optional() }),
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV text with a header row'), ...errors },
      },
    },
    async (req, reply) => {
      const entry = REPORTS[req.params.report];
      const { reportDate, rows } = await ctx.warehouse(async (wh) => {
        const date = req.query.date ?? (await reportDates(wh, entry, 1))[0]?.report_date;
        if (!date)
          throw new NotFoundError(`report ${entry.name} has no dates yet; run daily_batch_processing`);
        return { reportDate: date, rows: await reportRowsForCsv(wh, entry, date) };
      });
      const columns = reportColumns(entry);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${entry.table}_${reportDate}.csv"`)
        .send(toCsv(columns.length ? columns : Object.keys(rows[0] ?? {}), rows));
    },
  );
};
