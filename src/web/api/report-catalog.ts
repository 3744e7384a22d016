/**
 * The reports the dashboard shows, by the short name used in URLs. The table and sort order come from here,
 * never from the request: a URL can only pick one of these entries.
 */
import { findTable } from '../../../tables/index.ts';

export interface ReportEntry {
  readonly name: string;
  readonly table: string;
  readonly title: string;
  /** ORDER BY terms (static SQL from this file). */
  readonly orderBy: readonly string[];
}

export const REPORT_NAMES = [
  'inactive_customers',
  'low_stock',
  'revenue_trends',
  'dq_daily_summary',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const REPORTS: Readonly<Record<ReportName, ReportEntry>> = {
  inactive_customers: {
    name: 'inactive_customers',
    table: 'report_inactive_customers',
    title: 'Inactive customers (30+ days)',
    orderBy: ['days_inactive DESC', 'customer_id'],
  },
  low_stock: {
    name: 'low_stock',
    table: 'report_low_stock',
    title: 'Low stock (under 7 days of cover)',
    orderBy: ['days_of_cover', 'product_id'],
  },
  revenue_trends: {
    name: 'revenue_trends',
    table: 'report_revenue_trends',
    title: 'Revenue trends by region and category (90 days)',
    orderBy: ['day DESC', 'region', 'category'],
  },
  dq_daily_summary: {
    name: 'dq_daily_summary',
    table: 'report_dq_daily_summary',
    title: 'Data-quality daily summary',
    orderBy: ['check_name'],
  },
};

/** Column names of a report table, in table order (the CSV header when there are no rows). */
export function reportColumns(entry: ReportEntry): string[] {
  return (findTable(entry.table)?.columns ?? []).map((c) => c.name);
}
