/**
 * Report reads: the dates a report exists for, one page of a report date, and all rows of a date for the CSV
 * download (bounded). Read-only SQL from sql/dashboard/, the table chosen from the report catalog.
 */
import type { Row, Warehouse } from '../../ports/warehouse.ts';
import { renderDashboardSql } from './dashboard-sql.ts';
import type { ReportEntry } from './report-catalog.ts';

/** Most rows a CSV download returns; larger reports are cut here (the exported file in the bucket is complete). */
export const MAX_CSV_ROWS = 100_000;

/**
 * The newest report dates of a report with their row counts, newest first.
 *
 * @example await reportDates(warehouse, REPORTS.low_stock, 10)
 */
export async function reportDates(
  warehouse: Warehouse,
  entry: ReportEntry,
  limit: number,
): Promise<{ report_date: string; row_count: number }[]> {
  const sql = renderDashboardSql(warehouse, 'report_dates', { report: entry.table });
  const { rows } = await warehouse.query(sql, { params: { limit } });
  return rows.map((r) => ({
    report_date: String(r.report_date).slice(0, 10),
    row_count: Number(r.row_count),
  }));
}

/** One page of a report date. */
export async function reportPage(
  warehouse: Warehouse,
  entry: ReportEntry,
  q: { reportDate: string; limit: number; offset: number },
): Promise<{ rows: Row[]; hasMore: boolean }> {
  const sql = renderDashboardSql(warehouse, 'report_rows', { report: entry.table, order_by: entry.orderBy });
  const { rows } = await warehouse.query(sql, {
    params: { report_date: q.reportDate, limit: q.limit + 1, offset: q.offset },
  });
  return { rows: rows.slice(0, q.limit).map(withDates), hasMore: rows.length > q.limit };
}

/** Every row of a report date up to `MAX_CSV_ROWS`, for the CSV download. */
export async function reportRowsForCsv(
  warehouse: Warehouse,
  entry: ReportEntry,
  reportDate: string,
): Promise<Row[]> {
  return (await reportPage(warehouse, entry, { reportDate, limit: MAX_CSV_ROWS, offset: 0 })).rows;
}

function withDates(row: Row): Row {
  // DATE columns come back as YYYY-MM-DD already; keep report_date the same shape whatever the engine gives.
  return 'report_date' in row ? { ...row, report_date: String(row.report_date).slice(0, 10) } : row;
}
