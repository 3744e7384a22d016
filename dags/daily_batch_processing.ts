import { defineDag } from '../src/sdk/index.ts';

/**
 * Every night at 00:00 UTC, for the day D that just ended (interval [D, D+1)): load the product and customer
 * snapshots into the dimensions, enrich fact lines published before their references arrived, write the four
 * daily reports (replacing report_date = D, exported to reports/<report>/dt=D/) and audit order-file freshness.
 */
export default defineDag({
  description:
    'Nightly: dimensions (products type 1, customers type 2) -> reference backfill -> reports + CSV exports; order-file freshness; data-quality summary',
  schedule: '0 0 * * *',
  startDate: '2026-01-01T00:00:00Z',
  catchup: false,
  maxActiveRuns: 1,
  tags: ['daily', 'dimensions', 'reports'],
  defaults: { retries: 2, retryDelay: '5m', timeout: '1h', pool: 'warehouse' },
  tasks: {
    load_products: {
      job: 'load_products',
      description:
        'Newest product snapshot in landing/products/ -> dim_products (type 1); skipped without one',
    },
    load_customers: {
      job: 'load_customers',
      description:
        'Newest customer snapshot in landing/customers/ -> dim_customers (type 2); skipped without one',
    },
    backfill_references: {
      job: 'backfill_references',
      description:
        "Fact lines with an 'unknown' tier or category whose reference now exists; category aggregates",
      upstream: ['load_products', 'load_customers'],
      // A day without snapshots still enriches from the dimensions as they are.
      triggerRule: 'none_failed',
    },
    report_inactive_customers: { job: 'report_inactive_customers', upstream: ['backfill_references'] },
    report_low_stock: { job: 'report_low_stock', upstream: ['backfill_references'] },
    report_revenue_trends: { job: 'report_revenue_trends', upstream: ['backfill_references'] },
    check_freshness: {
      job: 'check_freshness',
      description: 'Warn when no order file landed for more than maxGapMinutes during the day',
      params: { maxGapMinutes: 60 },
    },
    report_dq_daily_summary: {
      job: 'report_dq_daily_summary',
      description: 'Per check, the data-quality results of every run whose interval starts on D',
      // After every task of this DAG that writes checks; the reports write none. Whatever happened,
      // failures included (that is when the summary matters most). The reports stay leaves, so a failed
      // load still fails the run through them.
      upstream: ['load_products', 'load_customers', 'check_freshness'],
      triggerRule: 'all_done',
    },
    watcher: {
      job: 'fail_on_upstream_failure',
      description:
        'Fails the run when any task failed (the all_done summary would otherwise hide a failed check)',
      upstream: [
        'load_products',
        'load_customers',
        'backfill_references',
        'report_inactive_customers',
        'report_low_stock',
        'report_revenue_trends',
        'check_freshness',
        'report_dq_daily_summary',
      ],
      triggerRule: 'one_failed',
      pool: 'default',
      retries: 0,
    },
  },
});
