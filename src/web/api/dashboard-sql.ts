/**
 * Renders the dashboard's read-only queries, `sql/dashboard/*.sql` of the Sluice package (not of the user's
 * project folder: they read the built-in tables), for the dialect and dataset of a warehouse session.
 * Templates take structural switches as variables (which filters apply) and every value as a bound parameter.
 */
import { join } from 'node:path';
import type { Warehouse } from '../../ports/warehouse.ts';
import { createSqlRenderer, type SqlRenderer } from '../../sql/sql-renderer.ts';

const PACKAGE_ROOT = join(import.meta.dirname, '..', '..', '..');
const renderers = new Map<string, SqlRenderer>();

/** The names of the dashboard's query templates (file names under sql/dashboard/). */
export type DashboardQuery =
  | 'quality_latest'
  | 'quality_trend'
  | 'quality_failures'
  | 'quarantine_rows'
  | 'quarantine_reasons'
  | 'hourly_metrics'
  | 'hourly_latest'
  | 'category_latest'
  | 'category_revenue'
  | 'report_dates'
  | 'report_rows'
  | 'warehouse_counts';

/**
 * Render `sql/dashboard/<name>.sql` for this warehouse.
 *
 * @example warehouse.query(renderDashboardSql(warehouse, 'quality_latest', { by_dag: true }), { params: { dag_id } })
 */
export function renderDashboardSql(
  warehouse: Warehouse,
  name: DashboardQuery,
  vars: Record<string, unknown> = {},
): string {
  const key = `${warehouse.dialect}\u0000${warehouse.dataset}`;
  let renderer = renderers.get(key);
  if (!renderer) {
    renderer = createSqlRenderer({
      projectDir: PACKAGE_ROOT,
      dialect: warehouse.dialect,
      qualify: (table) => warehouse.qualify(table),
    });
    renderers.set(key, renderer);
  }
  return renderer.render(`sql/dashboard/${name}`, vars);
}
