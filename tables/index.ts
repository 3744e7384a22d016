/**
 * Every warehouse table of the pipeline, in creation order. `sluice init` passes this list to
 * `Warehouse.ensureTables`, `ref()` validates names against it and `docs/data-dictionary.md` is generated from it.
 */
import type { TableDefinition } from '../src/ports/table-definition.ts';
import aggCategoryRevenue from './agg_category_revenue.ts';
import aggHourlyMetrics from './agg_hourly_metrics.ts';
import dataQualityChecks from './data_quality_checks.ts';
import dimCustomers from './dim_customers.ts';
import dimProducts from './dim_products.ts';
import factOrders from './fact_orders.ts';
import quarantineCustomers from './quarantine_customers.ts';
import quarantineOrders from './quarantine_orders.ts';
import quarantineProducts from './quarantine_products.ts';
import refStateRegions from './ref_state_regions.ts';
import reportDqDailySummary from './report_dq_daily_summary.ts';
import reportInactiveCustomers from './report_inactive_customers.ts';
import reportLowStock from './report_low_stock.ts';
import reportRevenueTrends from './report_revenue_trends.ts';
import stagingCustomers from './staging_customers.ts';
import stagingOrders from './staging_orders.ts';
import stagingOrdersRaw from './staging_orders_raw.ts';
import stagingProducts from './staging_products.ts';

export const allTables: readonly TableDefinition[] = Object.freeze([
  refStateRegions,
  stagingOrdersRaw,
  stagingOrders,
  quarantineOrders,
  stagingProducts,
  stagingCustomers,
  quarantineProducts,
  quarantineCustomers,
  dimProducts,
  dimCustomers,
  factOrders,
  aggHourlyMetrics,
  aggCategoryRevenue,
  dataQualityChecks,
  reportInactiveCustomers,
  reportLowStock,
  reportRevenueTrends,
  reportDqDailySummary,
]);

/** The table definition named `name`, or undefined. */
export function findTable(name: string): TableDefinition | undefined {
  return allTables.find((t) => t.name === name);
}
