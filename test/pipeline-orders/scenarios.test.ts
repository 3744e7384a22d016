/**
 * The acceptance scenarios of issue 4 that involve several runs, on the real DAG (DuckDB, local bucket, PGlite):
 * a file landing mid-run, late orders across midnight, a re-sent order, a blocked batch and `files skip`, and
 * a quiet quarter-hour.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipFile } from '../../src/runtime/skip-file.ts';
import { FakeClock } from '../engine/fake-clock.ts';
import { openPipeline, type Pipeline, runIdOf } from './harness.ts';
import {
  expectedHourly,
  hourlyRows,
  land,
  ndjson,
  orders,
  referenceOrders,
  withItems,
} from './order-data.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

const states = (tasks: Map<string, { state: string }>) =>
  Object.fromEntries([...tasks].map(([id, t]) => [id, t.state]));

describe('order pipeline scenarios', () => {
  it('leaves a file that lands between the claim and the archive in landing, for the next run', async () => {
    p = await openPipeline();
    const pipeline = p;
    await land(pipeline, 'a.jsonl', orders('a', 20, '2026-01-01T10:10:00Z'));
    const late = orders('late', 5, '2026-01-01T10:14:00Z');
    const first = await pipeline.run('2026-01-01T10:00:00Z', {
      // Right after the sensor claimed its files, another file lands (written synchronously, no race).
      onTaskSettled: (ti) => {
        if (ti.taskId === 'sense_files')
          writeFileSync(join(pipeline.config.storage.localRoot, 'landing/orders/late.jsonl'), ndjson(late));
      },
    });
    expect(first.run.state).toBe('success');
    expect(await pipeline.objects.exists('landing/orders/late.jsonl')).toBe(true);
    expect(
      await pipeline.objects.exists(
        `archive/orders/dt=2026-01-01/${runIdOf('2026-01-01T10:00:00Z')}/a.jsonl`,
      ),
    ).toBe(true);
    const [before] = await pipeline.rows<{ n: number }>(
      'SELECT COUNT(DISTINCT order_id) AS n FROM ecommerce_data.fact_orders',
    );
    expect(before!.n).toBe(20);

    const second = await pipeline.run('2026-01-01T10:15:00Z');
    expect(second.run.state).toBe('success');
    expect(await pipeline.objects.exists('landing/orders/late.jsonl')).toBe(false);
    expect(
      await pipeline.objects.exists(
        `archive/orders/dt=2026-01-01/${runIdOf('2026-01-01T10:15:00Z')}/late.jsonl`,
      ),
    ).toBe(true);
    const [after] = await pipeline.rows<{ n: number }>(
      'SELECT COUNT(DISTINCT order_id) AS n FROM ecommerce_data.fact_orders',
    );
    expect(after!.n).toBe(25);
    const ledger = await pipeline.store.ledger.list({ entity: 'orders' });
    expect(ledger.map((e) => [e.object, e.state, e.batchId])).toEqual([
      ['landing/orders/a.jsonl', 'archived', runIdOf('2026-01-01T10:00:00Z')],
      ['landing/orders/late.jsonl', 'archived', runIdOf('2026-01-01T10:15:00Z')],
    ]);
  });

  it('puts orders from 23:55 that arrive at 00:05 into the right hour and day', async () => {
    p = await openPipeline();
    const late = orders('midnight', 12, '2026-01-01T23:59:00Z', { payment_status: 'completed' });
    await land(p, 'late-evening.json', late);
    const { run } = await p.run('2026-01-02T00:00:00Z');
    expect(run.state).toBe('success');
    const facts = await p.rows<{ order_date: string; hour: string; n: number }>(
      `SELECT CAST(order_date AS VARCHAR) AS order_date, strftime(hour_start, '%Y-%m-%dT%H:%M:%SZ') AS hour, COUNT(DISTINCT order_id) AS n
       FROM ecommerce_data.fact_orders GROUP BY ALL ORDER BY ALL`,
    );
    expect(facts).toEqual([{ order_date: '2026-01-01', hour: '2026-01-01T23:00:00Z', n: 12 }]);
    expect(await hourlyRows(p)).toEqual(
      expectedHourly(referenceOrders([{ name: 'late-evening.json', text: ndjson(late) }])),
    );
    const categories = await p.rows<{ order_date: string }>(
      'SELECT DISTINCT CAST(order_date AS VARCHAR) AS order_date FROM ecommerce_data.agg_category_revenue',
    );
    expect(categories).toEqual([{ order_date: '2026-01-01' }]);
    // The archive folder is the day of the run's interval, when the file was processed.
    expect(
      await p.objects.exists(
        `archive/orders/dt=2026-01-02/${runIdOf('2026-01-02T00:00:00Z')}/late-evening.json`,
      ),
    ).toBe(true);
  });

  it('replaces all lines of a re-sent order and fixes the aggregates of its old and new hour', async () => {
    p = await openPipeline();
    const base = orders('resend', 8, '2026-01-01T10:40:00Z', { payment_status: 'completed' });
    const original = withItems(base[0]!, [
      { product_id: 'PROD-1001', quantity: 2, unit_price: 10.5 },
      { product_id: 'PROD-1002', quantity: 1, unit_price: 99.99 },
      { product_id: 'PROD-1003', quantity: 3, unit_price: 5.25 },
    ]);
    const first = [original, ...base.slice(1)];
    await land(p, 'b1.jsonl', first);
    expect((await p.run('2026-01-01T10:30:00Z')).run.state).toBe('success');

    // Re-sent an hour later: another status, one item left, a timestamp in the next hour.
    const resent = {
      ...withItems(original, [{ product_id: 'PROD-1002', quantity: 1, unit_price: 99.99 }]),
      payment_status: 'failed',
      order_timestamp: '2026-01-01T11:20:00.500000',
    };
    const others = orders('resend-2', 4, '2026-01-01T11:25:00Z', { payment_status: 'completed' });
    await land(p, 'b2.jsonl', [resent, ...others]);
    expect((await p.run('2026-01-01T11:30:00Z')).run.state).toBe('success');

    const lines = await p.rows<{
      line_number: number;
      product_id: string;
      payment_status: string;
      hour: string;
    }>(
      `SELECT line_number, product_id, payment_status, strftime(hour_start, '%H:%M') AS hour
       FROM ecommerce_data.fact_orders WHERE order_id = $id ORDER BY line_number`,
      { id: original.order_id },
    );
    expect(lines).toEqual([
      { line_number: 1, product_id: 'PROD-1002', payment_status: 'failed', hour: '11:00' },
    ]);
    // Both hours equal a recomputation over the latest version of every order.
    const latest = referenceOrders([
      { name: 'b1.jsonl', text: ndjson(first) },
      { name: 'b2.jsonl', text: ndjson([resent, ...others]) },
    ]);
    const hourly = await hourlyRows(p);
    expect(hourly).toEqual(expectedHourly(latest));
    expect(hourly.map((h) => h.hour)).toEqual(['2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z']);
    expect(hourly[0]).toMatchObject({ total_orders: 7, completed_orders: 7 });
  });

  it('blocks a batch with more than 5% invalid lines until the bad file is skipped', async () => {
    p = await openPipeline();
    const good = orders('good', 30, '2026-01-01T12:10:00Z');
    const bad = [
      ...orders('bad', 4, '2026-01-01T12:10:00Z'),
      '{"order_id": "broken',
      'not json at all',
      '[1, 2]',
    ];
    await land(p, 'good.jsonl', good);
    await land(p, 'bad.jsonl', bad);
    const blocked = await p.run('2026-01-01T12:00:00Z');
    expect(blocked.run.state).toBe('failed');
    expect(states(blocked.tasks)).toMatchObject({
      load_staging: 'success',
      run_checks: 'failed',
      publish: 'upstream_failed',
      archive_files: 'upstream_failed',
    });
    expect(blocked.error).toMatch(/schema_validation/);
    expect(await p.rows('SELECT * FROM ecommerce_data.fact_orders')).toEqual([]);
    expect(await p.rows('SELECT * FROM ecommerce_data.agg_hourly_metrics')).toEqual([]);
    const [check] = await p.rows<{ status: string; rows_failed: number; rows_checked: number }>(
      `SELECT status, rows_failed, rows_checked FROM ecommerce_data.data_quality_checks WHERE check_name = 'schema_validation'`,
    );
    expect(check).toEqual({ status: 'fail', rows_failed: 3, rows_checked: 37 });
    const held = await p.store.ledger.claimed(runIdOf('2026-01-01T12:00:00Z'));
    expect(held.map((e) => [e.object, e.state]).sort()).toEqual([
      ['landing/orders/bad.jsonl', 'loaded'],
      ['landing/orders/good.jsonl', 'loaded'],
    ]);
    expect(await p.objects.exists('landing/orders/good.jsonl')).toBe(true);

    await skipFile(
      { ledger: p.store.ledger, objects: p.objects },
      'landing/orders/bad.jsonl',
      'truncated export',
    );
    expect(await p.objects.exists('rejected/orders/bad.jsonl')).toBe(true);

    const next = await p.run('2026-01-01T12:15:00Z');
    expect(next.error).toBeUndefined();
    expect(next.run.state).toBe('success');
    const published = await p.rows<{ n: number }>(
      'SELECT COUNT(DISTINCT order_id) AS n FROM ecommerce_data.fact_orders',
    );
    expect(published).toEqual([{ n: 30 }]);
    expect(await hourlyRows(p)).toEqual(
      expectedHourly(referenceOrders([{ name: 'good.jsonl', text: ndjson(good) }])),
    );
    const ledger = await p.store.ledger.list({ entity: 'orders' });
    expect(ledger.map((e) => [e.object, e.state, e.batchId, e.reason]).sort()).toEqual([
      ['landing/orders/bad.jsonl', 'rejected', runIdOf('2026-01-01T12:00:00Z'), 'truncated export'],
      ['landing/orders/good.jsonl', 'archived', runIdOf('2026-01-01T12:15:00Z'), null],
    ]);
  });

  it('skips everything after the sensor when nothing lands for 10 minutes, and the run succeeds', async () => {
    p = await openPipeline();
    const clock = new FakeClock('2026-01-01T10:15:00Z');
    const running = p.run('2026-01-01T10:00:00Z', { clock });
    let done = false;
    void running.finally(() => {
      done = true;
    });
    while (!done) {
      await new Promise((r) => setTimeout(r, 10));
      clock.advance(30_000);
    }
    const { run, tasks } = await running;
    expect(run.state).toBe('success');
    expect(states(tasks)).toEqual({
      sense_files: 'skipped',
      load_staging: 'skipped',
      run_checks: 'skipped',
      publish: 'skipped',
      refresh_aggregates: 'skipped',
      archive_files: 'skipped',
    });
  });
});
