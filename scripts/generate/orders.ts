/**
 * The order generator: newline-delimited JSON orders in exactly the upstream format, spread over `files`
 * objects in `landing/orders/`, deterministic for a seed, with optional shares of malformed lines, unknown
 * references, duplicate order ids across files and re-sent (changed) orders, for demos, tests and benches.
 */
import type { ObjectStore } from '../../src/ports/object-store.ts';
import { MALFORMED_KINDS, type MalformedKind, malformedKind } from './malformed-lines.ts';
import {
  formatOrder,
  makeOrder,
  type Order,
  orderTotal,
  PAYMENT_STATUSES,
  type ReferenceRanges,
  UPSTREAM_RANGES,
} from './order-record.ts';
import { createPrng, type Prng } from './prng.ts';
import { parseIsoMicros, pyIsoformat } from './python-format.ts';
import { writeLines } from './write-lines.ts';

export interface OrdersOptions {
  readonly seed: string;
  /** Lines to write in total (valid, malformed, duplicate and re-sent together). */
  readonly count: number;
  readonly files?: number;
  /** Orders are timestamped 0..spreadMinutes minutes before this instant (epoch microseconds, UTC). */
  readonly atMicros: number;
  readonly spreadMinutes?: number;
  /** Share of lines replaced by malformed lines drawn from `badKinds` (default: every kind). */
  readonly badShare?: number;
  readonly badKinds?: readonly string[];
  /** Share of customer/product references outside the catalogs; default: the upstream ranges. */
  readonly unknownShare?: number;
  /** Share of lines that repeat an earlier order exactly (an earlier file's when there is one). */
  readonly duplicateShare?: number;
  /** Share of lines that re-send an earlier order with another status, fewer items and a later time. */
  readonly resendShare?: number;
  /** Where the files go (default `landing/orders/`). */
  readonly prefix?: string;
  readonly extension?: 'json' | 'jsonl' | 'ndjson';
  readonly gzip?: boolean;
}

/** What one generated line is, so tests know the expected outcome without parsing it back. */
export type LineTruth =
  | { readonly type: 'order'; readonly order: Order }
  | { readonly type: 'duplicate'; readonly order: Order }
  | { readonly type: 'resend'; readonly order: Order; readonly of: Order }
  | { readonly type: 'malformed'; readonly kind: MalformedKind };

export interface GeneratedLine {
  readonly file: number;
  readonly text: string;
  readonly truth: LineTruth;
}

export interface GeneratedFile {
  readonly name: string;
  readonly lines: number;
  readonly size: number;
}

export interface OrdersSummary {
  readonly entity: 'orders';
  readonly seed: string;
  readonly at: string;
  readonly files: readonly GeneratedFile[];
  readonly lines: number;
  /** Distinct valid order ids (what the pipeline keeps when all files are one batch). */
  readonly orders: number;
  readonly duplicates: number;
  readonly resent: number;
  readonly malformed: number;
  readonly malformedByKind: Readonly<Record<string, number>>;
}

const POOL_SIZE = 1024;

/** Split `count` lines over `files` files: the first `count % files` files get one more. */
export function linesPerFile(count: number, files: number): number[] {
  const base = Math.floor(count / files);
  return Array.from({ length: files }, (_, i) => base + (i < count % files ? 1 : 0));
}

/**
 * Every line of a generation, lazily, in file order; pure (no I/O), so tests can inspect the truth of each
 * line and writers can stream.
 *
 * @example for (const line of orderLines({ seed: '1', count: 10, atMicros })) console.log(line.text)
 */
export function* orderLines(options: OrdersOptions): Generator<GeneratedLine> {
  const rng = createPrng(`orders:${options.seed}`);
  const files = options.files ?? 1;
  const spread = options.spreadMinutes ?? 60;
  const badShare = options.badShare ?? 0;
  const dupShare = options.duplicateShare ?? 0;
  const resendShare = options.resendShare ?? 0;
  const kinds = options.badKinds ? options.badKinds.map(malformedKind) : MALFORMED_KINDS;
  const ranges: ReferenceRanges =
    options.unknownShare === undefined
      ? UPSTREAM_RANGES
      : { ...UPSTREAM_RANGES, unknownShare: options.unknownShare };
  // Earlier files' orders (for duplicates across files) and this file's, as bounded rings.
  const earlier: Order[] = [];
  const counts = linesPerFile(options.count, files);
  for (let file = 0; file < files; file++) {
    const current: Order[] = [];
    for (let n = 0; n < counts[file]!; n++) {
      const r = rng.next();
      const pool = earlier.length > 0 ? earlier : current;
      if (r < badShare && kinds.length > 0) {
        const k = rng.choice(kinds);
        const base = makeOrder(rng, options.atMicros, spread, ranges);
        yield { file, text: k.make(base), truth: { type: 'malformed', kind: k } };
      } else if (r < badShare + dupShare && pool.length > 0) {
        const order = rng.choice(pool);
        yield { file, text: formatOrder(order), truth: { type: 'duplicate', order } };
      } else if (r < badShare + dupShare + resendShare && pool.length > 0) {
        const of = rng.choice(pool);
        const order = resend(rng, of, options.atMicros);
        yield { file, text: formatOrder(order), truth: { type: 'resend', order, of } };
      } else {
        const order = makeOrder(rng, options.atMicros, spread, ranges);
        remember(current, order, rng);
        yield { file, text: formatOrder(order), truth: { type: 'order', order } };
      }
    }
    for (const order of current) remember(earlier, order, rng);
  }
}

function remember(ring: Order[], order: Order, rng: Prng): void {
  if (ring.length < POOL_SIZE) ring.push(order);
  else ring[rng.int(0, POOL_SIZE - 1)] = order;
}

/**
 * A later version of `of`: another status, one item fewer when it has several, and an order time moved by
 * 1..90 minutes (later, or earlier when later would pass `atMicros`), so it often lands in another hour.
 */
function resend(rng: Prng, of: Order, atMicros: number): Order {
  const items = of.items.length > 1 ? of.items.slice(0, -1) : of.items;
  const status = rng.choice(PAYMENT_STATUSES.filter((s) => s !== of.payment_status));
  const shift = rng.int(1, 90) * 60_000_000;
  const original = parseIsoMicros(of.order_timestamp);
  const moved = original + shift <= atMicros ? original + shift : original - shift;
  return {
    ...of,
    order_timestamp: pyIsoformat(moved),
    items,
    total_amount: orderTotal(items),
    payment_status: status,
  };
}

/** `20260101T101500` for file names. */
export function compactTimestamp(epochMicros: number): string {
  return pyIsoformat(epochMicros).slice(0, 19).replaceAll('-', '').replaceAll(':', '');
}

function seedSlug(seed: string): string {
  return seed.replace(/[^A-Za-z0-9-]/g, '').slice(0, 16) || 'seed';
}

/** Object names of a generation, in write order (which is also name order). */
export function orderFileNames(options: OrdersOptions): string[] {
  const prefix = options.prefix ?? 'landing/orders/';
  const ext = `${options.extension ?? 'json'}${options.gzip ? '.gz' : ''}`;
  const files = options.files ?? 1;
  const width = Math.max(4, String(files).length);
  return Array.from(
    { length: files },
    (_, i) =>
      `${prefix}orders_${compactTimestamp(options.atMicros)}_${seedSlug(options.seed)}_${String(i + 1).padStart(width, '0')}.${ext}`,
  );
}

/**
 * Generate orders into the object store, one file after the other, streaming.
 *
 * @example await generateOrders(store, { seed: '42', count: 1000, files: 4, atMicros })
 */
export async function generateOrders(store: ObjectStore, options: OrdersOptions): Promise<OrdersSummary> {
  const names = orderFileNames(options);
  const counts = linesPerFile(options.count, names.length);
  const lines = orderLines(options);
  const malformedByKind: Record<string, number> = {};
  let orders = 0;
  let duplicates = 0;
  let resent = 0;
  let malformed = 0;
  const written: GeneratedFile[] = [];
  for (let file = 0; file < names.length; file++) {
    function* fileLines(): Generator<string> {
      for (let n = 0; n < counts[file]!; n++) {
        const next = lines.next();
        if (next.done) return;
        const { truth, text } = next.value;
        if (truth.type === 'order') orders++;
        else if (truth.type === 'duplicate') duplicates++;
        else if (truth.type === 'resend') resent++;
        else {
          malformed++;
          malformedByKind[truth.kind.kind] = (malformedByKind[truth.kind.kind] ?? 0) + 1;
        }
        yield `${text}\n`;
      }
    }
    const info = await writeLines(store, names[file]!, fileLines(), { gzip: options.gzip ?? false });
    written.push({ name: info.name, lines: counts[file]!, size: info.size });
  }
  return {
    entity: 'orders',
    seed: options.seed,
    at: `${pyIsoformat(options.atMicros)}Z`,
    files: written,
    lines: options.count,
    orders,
    duplicates,
    resent,
    malformed,
    malformedByKind,
  };
}
