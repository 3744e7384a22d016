/**
 * Business metrics for the charts: hourly orders and revenue from `agg_hourly_metrics` and revenue by category
 * from `agg_category_revenue`. Windows default to the newest data in the tables (not the wall clock), so a
 * demo loaded for another day still shows something; they are bounded so a request cannot ask for years.
 */
import { UsageError } from '../../core/errors/usage-error.ts';
import type { Row, Warehouse } from '../../ports/warehouse.ts';
import { renderDashboardSql } from './dashboard-sql.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Longest hourly window (31 days). */
export const MAX_HOURLY_WINDOW_HOURS = 31 * 24;
/** Longest category range (366 days). */
export const MAX_CATEGORY_RANGE_DAYS = 366;

export interface HourlySeries {
  readonly from: Date | null;
  readonly to: Date | null;
  readonly rows: Row[];
}

/**
 * Hourly metrics in `[from, to)`; without bounds, the 48 hours ending with the newest hour in the table.
 *
 * @example await hourlyMetrics(warehouse, { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') })
 */
export async function hourlyMetrics(
  warehouse: Warehouse,
  q: { from?: Date; to?: Date },
): Promise<HourlySeries> {
  let to = q.to;
  if (!to) {
    const { rows } = await warehouse.query(renderDashboardSql(warehouse, 'hourly_latest'));
    const latest = rows[0]?.latest_hour;
    if (latest === null || latest === undefined) return { from: null, to: null, rows: [] };
    to = new Date(new Date(String(latest)).getTime() + HOUR);
  }
  const from = q.from ?? new Date(to.getTime() - 48 * HOUR);
  const hours = Math.ceil((to.getTime() - from.getTime()) / HOUR);
  if (hours <= 0)
    throw new UsageError(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
  if (hours > MAX_HOURLY_WINDOW_HOURS)
    throw new UsageError(
      `the window is ${hours} hours; ask for at most ${MAX_HOURLY_WINDOW_HOURS} (31 days)`,
    );
  const { rows } = await warehouse.query(renderDashboardSql(warehouse, 'hourly_metrics'), {
    params: { from_ts: from, to_ts: to, limit: hours },
  });
  return { from, to, rows };
}

export interface CategoryRevenue {
  readonly from: string | null;
  readonly to: string | null;
  readonly rows: Row[];
}

/**
 * Completed revenue per category for order dates in `[from, to]` (inclusive dates, `YYYY-MM-DD`); without
 * bounds, the 30 days ending with the newest order date in the table.
 */
export async function categoryRevenue(
  warehouse: Warehouse,
  q: { from?: string; to?: string },
): Promise<CategoryRevenue> {
  let to = q.to;
  if (!to) {
    const { rows } = await warehouse.query(renderDashboardSql(warehouse, 'category_latest'));
    const latest = rows[0]?.latest_date;
    if (latest === null || latest === undefined) return { from: null, to: null, rows: [] };
    to = String(latest).slice(0, 10);
  }
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const from = q.from ?? new Date(toMs - 29 * DAY).toISOString().slice(0, 10);
  const days = Math.round((toMs - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;
  if (days <= 0) throw new UsageError(`"from" (${from}) must not be after "to" (${to})`);
  if (days > MAX_CATEGORY_RANGE_DAYS)
    throw new UsageError(`the range is ${days} days; ask for at most ${MAX_CATEGORY_RANGE_DAYS}`);
  const { rows } = await warehouse.query(renderDashboardSql(warehouse, 'category_revenue'), {
    params: { from_date: from, to_date: to },
  });
  return { from, to, rows };
}
