/**
 * daily_batch_processing on the real engine when a snapshot has no usable header: the load fails at once
 * (no retries) naming the file and the column, the reports wait for a clean run (upstream_failed), and the
 * data-quality summary still runs and records what did happen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY, type Home, openHome } from './dag-harness.ts';
import { sampleCustomers } from './snapshot-files.ts';

const D = '2099-05-20';
let home: Home;

beforeAll(async () => {
  home = await openHome();
});
afterAll(async () => {
  await home?.close();
});

describe('daily_batch_processing with a broken snapshot', () => {
  it('fails load_products without retry naming the file and the column; the rest follows the trigger rules', async () => {
    await home.objects.write(
      'landing/products/products_bad.csv',
      'product_id,product_name,category,price\nPROD-1,A,Books,1.00\n',
    );
    await home.objects.write('landing/customers/customers_ok.csv', sampleCustomers());
    const outcome = await home.run(DAILY, `${D}T00:00:00Z`);
    expect(outcome.run.state).toBe('failed');
    expect(Object.fromEntries([...outcome.tasks].map(([id, t]) => [id, t.state]))).toEqual({
      load_products: 'failed',
      load_customers: 'success',
      check_freshness: 'success',
      backfill_references: 'upstream_failed',
      report_inactive_customers: 'upstream_failed',
      report_low_stock: 'upstream_failed',
      report_revenue_trends: 'upstream_failed',
      report_dq_daily_summary: 'success',
      watcher: 'failed',
    });
    expect(outcome.errors.get('load_products')).toMatch(
      /^landing\/products\/products_bad\.csv: header has no column stock_level/,
    );
    expect(await home.store.listTries(outcome.run.runId, 'load_products')).toHaveLength(1);
    expect(await home.objects.exists('landing/products/products_bad.csv')).toBe(true);
    const summary = await home.rows(
      `SELECT check_name, executions FROM ${home.qualify('report_dq_daily_summary')} WHERE report_date = CAST($d AS DATE) ORDER BY check_name`,
      { d: D },
    );
    expect(summary).toEqual([
      { check_name: 'customer_snapshot_validation', executions: 1 },
      { check_name: 'order_file_freshness', executions: 1 },
    ]);
  });
});
