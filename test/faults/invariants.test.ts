/**
 * The invariant checks themselves: after a clean run they all pass, and each kind of damage a fault could do
 * (a fact line lost or doubled, an aggregate off by a cent, a quarantined line gone, a file in landing and in
 * archive at once, a temp file left behind) is reported. Its own tally is not added to the suite's counts.
 */
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { BatchSeries } from './batch-series.ts';
import { EmbeddedStack } from './embedded-stack.ts';
import { scenarioSeed, Tally } from './tally.ts';

let stack: EmbeddedStack | undefined;
afterAll(() => stack?.close());

describe('faults: the invariant checks', () => {
  it('pass after a clean run and report every kind of damage', async () => {
    const seed = scenarioSeed('invariants self-test');
    stack = await EmbeddedStack.open(seed);
    const s = stack;
    const clean = new Tally('clean');
    const series = new BatchSeries(() => s.world, seed, clean);
    const batch = await series.land();
    expect((await s.run(batch.intervalStart)).state).toBe('success');
    await series.check('clean', series.expect(batch));
    expect(clean.violations()).toEqual([]);
    expect(clean.checks).toBeGreaterThan(30);

    await s.closeMeta();
    const w = new DuckDbWarehouse({ path: join(s.home, 'warehouse.duckdb'), dataset: 'ecommerce_data' });
    try {
      const t = 'ecommerce_data';
      await w.execute(
        `DELETE FROM ${t}.fact_orders WHERE order_id = (SELECT min(order_id) FROM ${t}.fact_orders) AND line_number = 1`,
      );
      await w.execute(
        `INSERT INTO ${t}.fact_orders SELECT * FROM ${t}.fact_orders ORDER BY order_id DESC LIMIT 1`,
      );
      await w.execute(
        `UPDATE ${t}.agg_hourly_metrics SET revenue = revenue + 0.01 WHERE hour_start = (SELECT max(hour_start) FROM ${t}.agg_hourly_metrics)`,
      );
      await w.execute(
        `UPDATE ${t}.agg_category_revenue SET units = units + 1 WHERE order_date = (SELECT max(order_date) FROM ${t}.agg_category_revenue)`,
      );
      await w.execute(
        `DELETE FROM ${t}.quarantine_orders WHERE line_number = (SELECT min(line_number) FROM ${t}.quarantine_orders)`,
      );
    } finally {
      await w.close();
    }
    const archived = join(
      s.home,
      'bucket',
      'archive',
      'orders',
      `dt=${batch.intervalStart.toISOString().slice(0, 10)}`,
      batch.runId,
    );
    const [name] = readdirSync(archived);
    copyFileSync(join(archived, name!), join(s.home, 'bucket', 'landing', 'orders', name!));
    writeFileSync(join(archived, '.sluice-tmp-left-behind'), 'x');

    const damaged = new Tally('damaged');
    await new BatchSeries(() => s.world, seed, damaged).check('damaged', series.expect(batch));
    const found = damaged.violations().join('\n');
    for (const expected of [
      'no fact line duplicated',
      'fact_orders = the latest published version of every order',
      'agg_hourly_metrics = independent computation',
      'agg_category_revenue = independent computation',
      'every line kept, quarantined or counted as a duplicate exactly as the reference says',
      'no file both in landing and in archive',
      'every landed file in exactly one place',
      'no temp file left in the bucket',
    ])
      expect(found, expected).toContain(expected);
  });
});
