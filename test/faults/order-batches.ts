/**
 * The data of the fault scenarios: one order batch per run, generated with a seed into the bucket's
 * `landing/orders/` (malformed lines, duplicates and re-sent orders within the batch, and a file re-sending
 * orders of earlier batches with another status, fewer items and another hour), and a product catalog put
 * straight into dim_products, so category revenue has real categories. The bytes of every file are kept:
 * the invariants recompute everything from them with the reference validator, never from the pipeline.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createPrng,
  formatOrder,
  generateOrders,
  type Order,
  orderLines,
  orderTotal,
  parseIsoMicros,
  productRows,
  pyIsoformat,
} from '../../scripts/generate/index.ts';
import { PAYMENT_STATUSES } from '../../scripts/generate/order-record.ts';
import { FilesystemObjectStore } from '../../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';

export const DAG = 'order_processing_incremental';
/** Interval of batch 0; batch i starts 15 minutes later per step. */
const FIRST_INTERVAL = Date.parse('2026-01-01T00:00:00Z');

export interface LandedFile {
  /** Object name, `landing/orders/...`. */
  readonly name: string;
  readonly bytes: Buffer;
  readonly sha256: string;
}

export interface Batch {
  readonly index: number;
  readonly intervalStart: Date;
  /** The run id, which is also the batch id. */
  readonly runId: string;
  /** The files landed for this batch, in landing order. */
  readonly files: readonly LandedFile[];
  /** Valid orders the generator drew for this batch (for re-sends in later batches). */
  readonly orders: readonly Order[];
}

/** `order_processing_incremental__20260101T0015Z` for interval start `at`. */
export function runIdFor(at: Date): string {
  const s = at.toISOString();
  return `${DAG}__${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}Z`;
}

/** The interval start of batch `index` (every 15 minutes from 2026-01-01T00:00Z). */
export function intervalOf(index: number): Date {
  return new Date(FIRST_INTERVAL + index * 15 * 60_000);
}

export interface BatchOptions {
  /** Seed of the scenario; the batch's data depends on it and on `index` only. */
  readonly seed: string;
  readonly index: number;
  /** Lines generated (before the re-send file). */
  readonly lines: number;
  readonly files: number;
  /** Earlier batches (their orders may be re-sent). */
  readonly earlier: readonly Batch[];
  /** How many orders of earlier batches to re-send (changed) in an extra file. */
  readonly resends: number;
}

/**
 * Generate one batch into `<home>/bucket/landing/orders/` (atomic writes, one file after the other, so
 * landing order is name order) and return what was written.
 *
 * @example const b = await landBatch(home, { seed, index: 0, lines: 2000, files: 6, earlier: [], resends: 0 })
 */
export async function landBatch(home: string, options: BatchOptions): Promise<Batch> {
  const intervalStart = intervalOf(options.index);
  const atMicros = (intervalStart.getTime() + 15 * 60_000) * 1000;
  const seed = `${options.seed}-b${options.index}`;
  const store = new FilesystemObjectStore({ root: join(home, 'bucket'), durable: false });
  const generation = {
    seed,
    count: options.lines,
    files: options.files,
    atMicros,
    spreadMinutes: 90,
    badShare: 0.01,
    duplicateShare: 0.02,
    resendShare: 0.02,
    unknownShare: 0.1,
    extension: 'jsonl' as const,
  };
  const summary = await generateOrders(store, generation);
  const names = summary.files.map((f) => f.name);
  const orders = [...orderLines(generation)].flatMap((l) =>
    l.truth.type === 'order' ? [l.truth.order] : [],
  );

  const pool = options.earlier.flatMap((b) => b.orders);
  if (options.resends > 0 && pool.length > 0) {
    const rng = createPrng(`${seed}:resend`);
    const picked = new Map<string, Order>();
    while (picked.size < Math.min(options.resends, pool.length)) {
      const of = rng.choice(pool);
      picked.set(of.order_id, of);
    }
    const lines = [...picked.values()].map((of) => `${formatOrder(resend(rng, of))}\n`);
    const name = `landing/orders/orders_${seed.replace(/[^A-Za-z0-9-]/g, '')}_resent.jsonl`;
    await store.write(name, lines.join(''));
    names.push(name);
  }
  await store.close();
  const files = names.map((name) => {
    const bytes = readFileSync(join(home, 'bucket', name));
    return { name, bytes, sha256: sha256(bytes) };
  });
  return { index: options.index, intervalStart, runId: runIdFor(intervalStart), files, orders };
}

/** A later version of an order: another status, one item fewer when it has several, 30..150 minutes later. */
function resend(rng: ReturnType<typeof createPrng>, of: Order): Order {
  const items = of.items.length > 1 ? of.items.slice(0, -1) : of.items;
  const moved = parseIsoMicros(of.order_timestamp) + rng.int(30, 150) * 60_000_000;
  return {
    ...of,
    order_timestamp: pyIsoformat(moved),
    items,
    total_amount: orderTotal(items),
    payment_status: rng.choice(PAYMENT_STATUSES.filter((s) => s !== of.payment_status)),
  };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Put the first 100 products of a generated catalog (PROD-1000..PROD-1099, the ids the generator draws as
 * "known") into dim_products and return product_id -> category; the rest of the ids stay unknown.
 */
export async function seedProducts(home: string, seed: string): Promise<Map<string, string>> {
  const rows = [...productRows({ seed, count: 100, atMicros: FIRST_INTERVAL * 1000 })]
    .slice(1)
    .map((line) => parseCsvLine(line.replace(/\r\n$/, '')));
  const warehouse = new DuckDbWarehouse({ path: join(home, 'warehouse.duckdb'), dataset: 'ecommerce_data' });
  try {
    for (const [id, name, category, price, stock] of rows)
      await warehouse.execute(
        `INSERT INTO ecommerce_data.dim_products (product_id, product_name, category, price, stock_level, updated_at)
         VALUES ($id, $name, $category, CAST($price AS DECIMAL(38, 9)), CAST($stock AS BIGINT), TIMESTAMP '2026-01-01 00:00:00')`,
        { params: { id: id!, name: name!, category: category!, price: price!, stock: stock! } },
      );
  } finally {
    await warehouse.close();
  }
  return new Map(rows.map(([id, , category]) => [id!, category!]));
}

/** One Python csv row (fields quoted only when they hold a comma or a quote). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      out.push(value);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return out;
}
