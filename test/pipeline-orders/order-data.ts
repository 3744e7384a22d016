/**
 * Test data for the order pipeline: orders in the upstream format (the project's generators) with chosen
 * timestamps, statuses and items; the expected results computed by the reference validator (independent
 * TypeScript, not the pipeline's SQL); and sorted table exports for idempotency comparisons.
 */
import {
  createPrng,
  formatOrder,
  makeOrder,
  type Order,
  orderTotal,
  parseIsoMicros,
  UPSTREAM_RANGES,
} from '../../scripts/generate/index.ts';
import type { OrderItem } from '../../scripts/generate/order-record.ts';
import {
  hourlyMetrics,
  toDecimalString,
  type ValidOrder,
  validateBatch,
} from '../fixtures/bad-input/reference-validator.ts';
import type { Pipeline } from './harness.ts';

/** Upstream-like orders around `at` (ISO), deterministic for `seed`, with overrides applied to each. */
export function orders(seed: string, count: number, at: string, override: Partial<Order> = {}): Order[] {
  const rng = createPrng(seed);
  return Array.from({ length: count }, () => ({
    ...makeOrder(rng, parseIsoMicros(at), 10, UPSTREAM_RANGES),
    ...override,
  }));
}

/** The same order with other items (the total follows, as upstream computes it). */
export function withItems(order: Order, items: readonly OrderItem[]): Order {
  return { ...order, items, total_amount: orderTotal(items) };
}

/** NDJSON text of orders, one per line, exactly as upstream writes them. */
export function ndjson(list: readonly (Order | string)[]): string {
  return `${list.map((o) => (typeof o === 'string' ? o : formatOrder(o))).join('\n')}\n`;
}

/** Land a file in landing/orders/. */
export async function land(p: Pipeline, name: string, list: readonly (Order | string)[]): Promise<void> {
  await p.objects.write(`landing/orders/${name}`, ndjson(list));
}

/** The kept orders of NDJSON texts validated as one batch (in landing order) by the reference validator. */
export function referenceOrders(files: readonly { name: string; text: string }[]): ValidOrder[] {
  return [...validateBatch(files.map((f) => ({ name: f.name, bytes: Buffer.from(f.text) }))).kept];
}

/** agg_hourly_metrics as the reference computes it, in the shape `hourlyRows` returns. */
export function expectedHourly(kept: readonly ValidOrder[]): Record<string, unknown>[] {
  return [...hourlyMetrics(kept)].map(([hour, m]) => ({
    hour,
    total_orders: m.total_orders,
    completed_orders: m.completed_orders,
    revenue: toDecimalString(m.revenue),
    items_sold: m.items_sold,
    avg_order_value: m.avg_order_value === null ? null : toDecimalString(m.avg_order_value),
    unique_customers: m.unique_customers,
  }));
}

/** agg_hourly_metrics as the pipeline wrote it, decimals as text. */
export function hourlyRows(p: Pipeline): Promise<Record<string, unknown>[]> {
  return p.rows(
    `SELECT strftime(hour_start, '%Y-%m-%dT%H:%M:%SZ') AS hour, total_orders, completed_orders,
       CAST(revenue AS VARCHAR) AS revenue, items_sold, CAST(avg_order_value AS VARCHAR) AS avg_order_value,
       unique_customers
     FROM ecommerce_data.agg_hourly_metrics ORDER BY hour_start`,
  );
}

const PIPELINE_TABLES = [
  'staging_orders_raw',
  'staging_orders',
  'quarantine_orders',
  'fact_orders',
  'agg_hourly_metrics',
  'agg_category_revenue',
  'data_quality_checks',
] as const;

/** Load timestamps, which differ between runs by design. */
const TIMESTAMP_COLUMNS = new Set(['loaded_at', 'quarantined_at', 'updated_at', 'checked_at']);

/**
 * Every pipeline table as sorted JSON lines, without load timestamps: two exports are equal when the tables
 * hold the same content.
 */
export async function exportTables(p: Pipeline): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of PIPELINE_TABLES) {
    const rows = await p.rows(`SELECT * FROM ecommerce_data.${table}`);
    out[table] = rows
      .map((r) =>
        JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !TIMESTAMP_COLUMNS.has(k)))),
      )
      .sort();
  }
  return out;
}

/** The file ledger without update times, and the bucket listing. */
export async function exportFiles(p: Pipeline): Promise<{ ledger: string[]; bucket: string[] }> {
  const ledger = (await p.store.ledger.list())
    .map((e) => JSON.stringify({ ...e, updatedAt: undefined }))
    .sort();
  const bucket: string[] = [];
  for await (const o of p.objects.list('')) bucket.push(o.name);
  return { ledger, bucket: bucket.sort() };
}
