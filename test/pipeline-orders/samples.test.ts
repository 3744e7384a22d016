/**
 * The upstream samples (../shared/samples/upstream-generators) through the real DAG on DuckDB + a local
 * bucket: every line accounted for, and revenue per hour equal to an independent computation in TypeScript
 * (the reference validator, not the pipeline's SQL).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourlyMetrics, toDecimalString, validateBatch } from '../fixtures/bad-input/reference-validator.ts';
import { openPipeline, type Pipeline, runIdOf } from './harness.ts';

const SAMPLES = '/work/shared/samples/upstream-generators';
const samplePath = (f: string) => `${process.env.SLUICE_SAMPLES_DIR ?? SAMPLES}/${f}`;

describe('upstream samples end to end', () => {
  let p: Pipeline;
  const interval = '2025-10-29T10:15:00Z';
  beforeAll(async () => {
    p = await openPipeline();
    await p.objects.write(
      'landing/orders/orders_sample.json',
      readFileSync(samplePath('orders_sample.json')),
    );
  });
  afterAll(() => p?.close());

  it('runs every task to success and accounts for every line', async () => {
    const { run, tasks, error } = await p.run(interval);
    expect(error).toBeUndefined();
    expect(run.state).toBe('success');
    expect([...tasks.values()].map((t) => `${t.taskId}:${t.state}`).sort()).toEqual(
      [
        'archive_files:success',
        'load_staging:success',
        'publish:success',
        'refresh_aggregates:success',
        'run_checks:success',
        'sense_files:success',
      ].sort(),
    );
    const expected = validateBatch([
      { name: 'landing/orders/orders_sample.json', bytes: readFileSync(samplePath('orders_sample.json')) },
    ]);
    const load = tasks.get('load_staging')!.result as {
      linesRead: number;
      linesKept: number;
      linesQuarantined: number;
      linesDuplicate: number;
    };
    expect(load).toMatchObject({
      linesRead: expected.totals.linesRead,
      linesKept: expected.totals.kept,
      linesQuarantined: expected.totals.quarantined,
      linesDuplicate: expected.totals.duplicates,
    });
    expect(load.linesRead).toBe(load.linesKept + load.linesQuarantined + load.linesDuplicate);
    const [ledger] = await p.store.ledger.list({ entity: 'orders' });
    expect(ledger).toMatchObject({
      state: 'archived',
      batchId: runIdOf(interval),
      movedTo: `archive/orders/dt=2025-10-29/${runIdOf(interval)}/orders_sample.json`,
      linesRead: 50,
      linesKept: 50,
    });
    expect(await p.objects.exists('landing/orders/orders_sample.json')).toBe(false);
    expect(await p.objects.exists(ledger!.movedTo!)).toBe(true);
  });

  it('has revenue per hour equal to an independent computation', async () => {
    const expected = hourlyMetrics(
      validateBatch([
        { name: 'landing/orders/orders_sample.json', bytes: readFileSync(samplePath('orders_sample.json')) },
      ]).kept,
    );
    const rows = await p.rows<Record<string, string | number | null>>(
      `SELECT strftime(hour_start, '%Y-%m-%dT%H:%M:%SZ') AS hour, total_orders, completed_orders,
        CAST(revenue AS VARCHAR) AS revenue, items_sold, CAST(avg_order_value AS VARCHAR) AS avg_order_value, unique_customers
       FROM ecommerce_data.agg_hourly_metrics ORDER BY hour_start`,
    );
    expect(rows.map((r) => r.hour)).toEqual([...expected.keys()]);
    for (const row of rows) {
      const e = expected.get(String(row.hour))!;
      expect({ ...row, hour: undefined }).toEqual({
        hour: undefined,
        total_orders: e.total_orders,
        completed_orders: e.completed_orders,
        revenue: toDecimalString(e.revenue),
        items_sold: e.items_sold,
        avg_order_value: e.avg_order_value === null ? null : toDecimalString(e.avg_order_value),
        unique_customers: e.unique_customers,
      });
    }
    // The fact has one row per item and revenue never counts other statuses.
    const [fact] = await p.rows<{ lines: number; orders: number }>(
      'SELECT COUNT(*) AS lines, COUNT(DISTINCT order_id) AS orders FROM ecommerce_data.fact_orders',
    );
    expect(fact).toEqual({ lines: expect.any(Number), orders: 50 });
  });

  it('records one data_quality_checks row per check, none failing', async () => {
    const rows = await p.rows<{ check_name: string; status: string; rows_failed: number }>(
      'SELECT check_name, status, rows_failed FROM ecommerce_data.data_quality_checks ORDER BY check_name',
    );
    expect(rows.map((r) => r.check_name)).toEqual([
      'amount_mismatch',
      'batch_reconciliation',
      'duplicate_order_ids',
      'missing_customer_reference',
      'missing_product_reference',
      'schema_validation',
    ]);
    expect(rows.filter((r) => r.status === 'fail')).toEqual([]);
    expect(rows.find((r) => r.check_name === 'batch_reconciliation')).toMatchObject({
      status: 'pass',
      rows_failed: 0,
    });
  });
});
