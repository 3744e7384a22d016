/**
 * Backfilling order_processing_incremental over a day whose files are archived, after a dimension changed,
 * on the real DAG and jobs (DuckDB, local bucket, PGlite): the backfill reprocesses the archived files (the
 * batch's own files where a run existed, the files that landed in the interval where none did), never
 * claims or moves a file, and the fact lines pick up the new dimension values; the aggregates equal an
 * independent computation in TypeScript. The backfill runs under a fake clock a day later, so every interval
 * of the day (the files landed now, by the wall clock) is complete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryResources } from '../../src/cli/compose.ts';
import { compactTimestamp } from '../../src/core/ids.ts';
import { runBackfillInProcess } from '../../src/runtime/backfill-in-process.ts';
import { createBackfillService, specLookup } from '../../src/runtime/backfill-service.ts';
import { createJobLoader } from '../../src/runtime/job-loader.ts';
import { FakeClock } from '../engine/fake-clock.ts';
import { silentLogger } from '../engine/silent-logger.ts';
import {
  hourlyMetrics,
  toDecimalString,
  type ValidOrder,
  validateBatch,
} from '../fixtures/bad-input/reference-validator.ts';
import { DAG_ID, openPipeline, type Pipeline, projectDir, runIdOf } from '../pipeline-orders/harness.ts';
import { exportFiles, hourlyRows, ndjson, orders } from '../pipeline-orders/order-data.ts';

const QUARTER = 15 * 60_000;
const DAY = 86_400_000;
const floorQuarter = (ms: number) => Math.floor(ms / QUARTER) * QUARTER;
const iso = (ms: number) => new Date(ms).toISOString();

/** A deterministic category per product, and the changed one after the "late dimension". */
const categoryOf = (productId: string, version: 1 | 2) =>
  version === 1 ? `cat_${Number(productId.slice(5)) % 3}` : `new_${Number(productId.slice(5)) % 4}`;

let p: Pipeline;
let kept: ValidOrder[];
let productIds: string[];
let landedInterval: number;
let liveBatch: string;
let from: string;
let to: string;
let intervals: number;
let before: Awaited<ReturnType<typeof exportFiles>>;
const files: { name: string; text: string }[] = [];

async function writeDimension(version: 1 | 2) {
  const values = productIds
    .map((id) => `('${id}', 'Product ${id} v${version}', '${categoryOf(id, version)}', 10.5, 100, now())`)
    .join(', ');
  await p.rows(`DELETE FROM ecommerce_data.dim_products`);
  await p.rows(
    `INSERT INTO ecommerce_data.dim_products (product_id, product_name, category, price, stock_level, updated_at) VALUES ${values}`,
  );
}

beforeAll(async () => {
  p = await openPipeline();
  // Orders of three hours in three files, landing now (the local bucket's landing time is the wall clock).
  const batches = [
    orders('bf-orders-a', 40, '2026-03-14T09:50:00Z'),
    orders('bf-orders-b', 40, '2026-03-14T10:55:00Z'),
    orders('bf-orders-c', 40, '2026-03-14T12:30:00Z'),
  ];
  for (const [i, list] of batches.entries()) {
    const file = { name: `landing/orders/part_${i}.jsonl`, text: ndjson(list) };
    files.push(file);
    await p.objects.write(file.name, file.text);
  }
  kept = [...validateBatch(files.map((f) => ({ name: f.name, bytes: Buffer.from(f.text) }))).kept];
  productIds = [...new Set(kept.flatMap((o) => o.items.map((i) => i.product_id)))].sort();
  // Half of the products known to the dimension at first; the rest arrive late.
  productIds = productIds.filter((_, i) => i % 2 === 0);
  await writeDimension(1);

  // The interval the files landed in (by the bucket's clock), and the live batch of the quarter-hour before.
  const landedAt = (await p.objects.stat(files[0]!.name))!.createdAt.getTime();
  landedInterval = floorQuarter(landedAt);
  liveBatch = runIdOf(iso(landedInterval - QUARTER));
  const live = await p.run(iso(landedInterval - QUARTER));
  expect(live.error).toBeUndefined();
  expect(live.run.state).toBe('success');
  const ledger = await p.store.ledger.list({ entity: 'orders' });
  expect(ledger.map((e) => [e.state, e.batchId, floorQuarter(e.landedAt.getTime())])).toEqual(
    files.map(() => ['archived', liveBatch, landedInterval]),
  );
  // The UTC days covering both intervals (one day, or two just after midnight).
  from = iso(Math.floor((landedInterval - QUARTER) / DAY) * DAY).slice(0, 10);
  to = iso(Math.floor(landedInterval / DAY) * DAY + DAY).slice(0, 10);
  intervals = (Date.parse(to) - Date.parse(from)) / QUARTER;
  // A file that lands after the live run belongs to the next live run: the backfill must leave it alone.
  await p.objects.write(
    'landing/orders/late.jsonl',
    ndjson(orders('bf-orders-late', 5, '2026-03-14T13:00:00Z')),
  );
  await writeDimension(2);
  before = await exportFiles(p);
}, 120_000);

afterAll(() => p?.close());

describe('backfilling the incremental DAG over a day of archived files', () => {
  it('previews the files each interval would reprocess and creates nothing', async () => {
    const service = createBackfillService({
      store: p.store,
      dags: specLookup(p.dags),
      clock: new FakeClock(iso(Date.parse(to) + 60_000)),
    });
    const plan = await service.plan({ dagId: DAG_ID, from, to, reprocess: 'missing' });
    expect(plan).toMatchObject({ intervals, create: intervals - 1, skip: 1 });
    const landedRun = `${DAG_ID}__${compactTimestamp(new Date(landedInterval))}`;
    const item = plan.items!.find((i) => i.runId === landedRun)!;
    expect(item).toMatchObject({ action: 'create', existing: null });
    expect(item.files).toEqual({
      count: 3,
      bytes: files.reduce((n, f) => n + Buffer.byteLength(f.text), 0),
      objects: files.map((f) => f.name),
    });
    expect(plan.items!.find((i) => i.runId === liveBatch)).toMatchObject({
      action: 'skip',
      existing: 'success',
    });
    expect(await p.store.backfills.list()).toEqual([]);
  });

  it('reprocesses from the archive: fact lines take the new dimension, aggregates match, files stay put', async () => {
    const clock = new FakeClock(iso(Date.parse(to) + 60_000));
    const service = createBackfillService({ store: p.store, dags: specLookup(p.dags), clock });
    const created = await service.create({ dagId: DAG_ID, from, to, reprocess: 'all', maxActiveRuns: 8 });
    expect(created.plan).toMatchObject({ intervals, create: intervals - 1, clear: 1 });
    const id = created.backfill.backfillId;
    const resources = tryResources(p.config);
    try {
      await runBackfillInProcess(
        {
          store: p.store,
          dags: p.dags,
          jobs: createJobLoader(projectDir),
          clock,
          logger: silentLogger,
          resources,
          concurrency: 4,
        },
        {
          backfillId: id,
          pollMs: 50,
          onTick: async () => {
            clock.advance(1_000);
            return (await service.status(id)).completedAt !== null;
          },
        },
      );
    } finally {
      await resources.close();
    }
    const done = await service.status(id);
    expect(done).toMatchObject({
      state: 'completed',
      counts: { total: intervals, success: intervals, failed: 0 },
    });

    // Both reprocessing runs loaded the three archived files; every other run found none and skipped.
    const landedRun = `${DAG_ID}__${compactTimestamp(new Date(landedInterval))}`;
    for (const runId of [liveBatch, landedRun]) {
      const tasks = await p.store.listTaskInstances(runId);
      expect(
        tasks.every((t) => t.state === 'success'),
        runId,
      ).toBe(true);
      expect(tasks.find((t) => t.taskId === 'load_staging')?.result).toMatchObject({
        files: 3,
        linesRead: kept.length,
      });
      expect(tasks.find((t) => t.taskId === 'archive_files')?.result).toMatchObject({ archived: 0 });
    }
    const quietStart = [0, 1, 2]
      .map((k) => Date.parse(from) + k * QUARTER)
      .find((ms) => ms !== landedInterval && ms !== landedInterval - QUARTER)!;
    const quiet = await p.store.listTaskInstances(runIdOf(iso(quietStart)));
    expect(quiet.map((t) => t.state)).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);

    // No file claimed, moved or re-recorded: the ledger and the bucket are as before (the late file waits).
    expect(await exportFiles(p)).toEqual(before);

    // Every fact line carries the new dimension values (or unknown for products still missing).
    const known = new Set(productIds);
    const lines = await p.rows<{
      product_id: string;
      product_name: string | null;
      category: string;
      batch_id: string;
    }>(
      'SELECT product_id, product_name, category, batch_id FROM ecommerce_data.fact_orders ORDER BY order_id, line_number',
    );
    expect(lines).toHaveLength(kept.reduce((n, o) => n + o.items.length, 0));
    for (const l of lines) {
      expect(l.category).toBe(known.has(l.product_id) ? categoryOf(l.product_id, 2) : 'unknown');
      expect(l.product_name).toBe(known.has(l.product_id) ? `Product ${l.product_id} v2` : null);
      // The later batch (the interval the files landed in) holds the orders now.
      expect(l.batch_id).toBe(landedRun);
    }

    // Aggregates: hourly from the reference validator; category revenue computed here.
    const expectedHourly = [...hourlyMetrics(kept)].map(([hour, m]) => ({
      hour,
      total_orders: m.total_orders,
      completed_orders: m.completed_orders,
      revenue: toDecimalString(m.revenue),
      items_sold: m.items_sold,
      avg_order_value: m.avg_order_value === null ? null : toDecimalString(m.avg_order_value),
      unique_customers: m.unique_customers,
    }));
    expect(await hourlyRows(p)).toEqual(expectedHourly);
    const byKey = new Map<string, { revenue: bigint; units: number; orders: Set<string> }>();
    for (const o of kept) {
      if (o.payment_status !== 'completed') continue;
      for (const i of o.items) {
        const category = known.has(i.product_id) ? categoryOf(i.product_id, 2) : 'unknown';
        const key = `${o.order_timestamp_utc.slice(0, 10)}|${category}`;
        const acc = byKey.get(key) ?? { revenue: 0n, units: 0, orders: new Set<string>() };
        acc.revenue += BigInt(i.quantity) * i.unit_price;
        acc.units += i.quantity;
        acc.orders.add(o.order_id);
        byKey.set(key, acc);
      }
    }
    const expectedCategories = [...byKey]
      .map(([key, v]) => ({
        key,
        revenue: toDecimalString(v.revenue),
        units: v.units,
        orders: v.orders.size,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const categories = await p.rows<{ key: string; revenue: string; units: number; orders: number }>(
      `SELECT strftime(order_date, '%Y-%m-%d') || '|' || category AS key, CAST(revenue AS VARCHAR) AS revenue,
              CAST(units AS INTEGER) AS units, CAST(orders AS INTEGER) AS orders
         FROM ecommerce_data.agg_category_revenue ORDER BY key`,
    );
    expect(categories).toEqual(expectedCategories);
    expect(categories.some((c) => c.key.includes('|new_'))).toBe(true);
    expect(categories.some((c) => c.key.includes('|cat_'))).toBe(false);
  });
});
