/**
 * A daily report task: replace the rows of report_date = D in the report table (SQL in sql/reports/<report>),
 * then export them, in a stable order, to `reports/<report>/dt=D/<report>.csv` through the warehouse.
 */
import type { JobContext } from '../../src/sdk/index.ts';
import { reportDay } from './report-day.ts';

/**
 * Build and export one report for the run's day.
 *
 * @example return writeReport(ctx, 'report_low_stock', ['product_id'])
 */
export async function writeReport(
  ctx: JobContext<unknown>,
  report: string,
  orderBy: readonly string[],
): Promise<{ report: string; reportDate: string; object: string; rows: number }> {
  const reportDate = reportDay(ctx.interval);
  const opts = { params: { report_date: reportDate }, identity: ctx.identity, signal: ctx.signal };
  await ctx.warehouse.execute(ctx.sql(`sql/reports/${report}`), opts);
  const object = `reports/${report}/dt=${reportDate}/${report}.csv`;
  const { rowsExported } = await ctx.warehouse.exportCsv(
    {
      sql: ctx.sql('sql/reports/export_report', { report, order_by: orderBy }),
      params: { report_date: reportDate },
      uri: ctx.objects.uri(object),
    },
    opts,
  );
  ctx.log.info(`${report} for ${reportDate}: ${rowsExported} rows -> ${object}`);
  return { report, reportDate, object, rows: rowsExported };
}
