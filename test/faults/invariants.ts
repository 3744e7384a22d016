/**
 * The invariants every fault scenario ends with, each check recomputed independently of the pipeline:
 * - every landed line is in staging (kept), quarantine or the duplicate count of its batch, exactly once and
 *   with the outcome the reference validator gives (test/fixtures/bad-input/reference-validator.ts);
 * - fact_orders holds exactly the lines of the latest published version of every order, once;
 * - agg_hourly_metrics and agg_category_revenue equal a TypeScript computation over those orders;
 * - every landed file is in exactly one place (landing, or its batch's archive folder), byte for byte, never
 *   both, no temp file is left, and the file ledger says where each one is;
 * - the run ended in a state that says what happened, with one successful try per task at most.
 * The scenario files add their own checks (which try was killed, which error was reported).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import type { Row } from '../../src/ports/warehouse.ts';
import {
  formatUtc,
  hourlyMetrics,
  SCALE,
  type ValidOrder,
  validateBatch,
} from '../fixtures/bad-input/reference-validator.ts';
import { type LandedFile, sha256 } from './order-batches.ts';
import type { Tally } from './tally.ts';

/** A query on the metadata database (Postgres or PGlite). */
export type MetaQuery = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export const TASKS = [
  'sense_files',
  'load_staging',
  'run_checks',
  'publish',
  'refresh_aggregates',
  'archive_files',
] as const;
const ORDER_CHECKS = [
  'amount_mismatch',
  'batch_reconciliation',
  'duplicate_order_ids',
  'missing_customer_reference',
  'missing_product_reference',
  'schema_validation',
];

/** What a batch (= run) is expected to have done. */
export interface BatchExpectation {
  readonly runId: string;
  readonly intervalStart: Date;
  /** The files the batch loaded, in landing order. */
  readonly files: readonly LandedFile[];
  /** The run's end: success, or failed with an error matching this. */
  readonly outcome: 'success' | RegExp;
  /** Its orders reached fact_orders (publish succeeded). */
  readonly published: boolean;
  /** Its files were all archived (by this run). */
  readonly archived: boolean;
}

export interface World {
  readonly home: string;
  readonly meta: MetaQuery;
  /** product_id -> category of dim_products. */
  readonly products: ReadonlyMap<string, string>;
}

/**
 * Every invariant, for `current` (line accounting and run state) and for the whole history `all` (fact,
 * aggregates, files). Returns the number of checks it made.
 */
export async function checkInvariants(
  tally: Tally,
  world: World,
  label: string,
  current: readonly BatchExpectation[],
  all: readonly BatchExpectation[],
): Promise<void> {
  const warehouse = new DuckDbWarehouse({
    path: join(world.home, 'warehouse.duckdb'),
    dataset: 'ecommerce_data',
    lockTimeoutMs: 30_000,
  });
  try {
    for (const batch of current) {
      await checkRun(tally, world, label, batch);
      await checkLineAccounting(tally, world, warehouse, label, batch);
    }
    await checkFactAndAggregates(tally, world, warehouse, label, all);
  } finally {
    await warehouse.close();
  }
  await checkFiles(tally, world, label, all);
}

interface TryRow extends Record<string, unknown> {
  task_id: string;
  try_number: number;
  state: string;
  error_code: string | null;
  error_message: string | null;
}

/** The run ended as expected, every try of every task has a distinct number, at most one succeeded. */
async function checkRun(tally: Tally, world: World, label: string, batch: BatchExpectation): Promise<void> {
  const [run] = await world.meta<{ state: string }>('select state from dag_runs where run_id = $1', [
    batch.runId,
  ]);
  const tries = await world.meta<TryRow>(
    `select task_id, try_number, state, error_code, error_message from task_tries where run_id = $1
      order by task_id, try_number`,
    [batch.runId],
  );
  const tasks = await world.meta<{ task_id: string; state: string }>(
    'select task_id, state from task_instances where run_id = $1 order by task_id',
    [batch.runId],
  );
  const where = `${label}: run ${batch.runId}`;
  if (batch.outcome === 'success') {
    tally.equal(`${where} ended success`, run?.state, 'success');
    tally.equal(
      `${where}: every task succeeded`,
      tasks.map((t) => [t.task_id, t.state]),
      [...TASKS].sort().map((t) => [t, 'success']),
    );
  } else {
    const pattern = batch.outcome;
    tally.equal(`${where} ended failed`, run?.state, 'failed');
    const errors = tries.filter((t) => t.state === 'failed').map((t) => t.error_message ?? '');
    tally.check(
      `${where} says why it failed (${pattern})`,
      errors.some((e) => pattern.test(e)),
      () => JSON.stringify(errors),
    );
  }
  for (const task of TASKS) {
    const own = tries.filter((t) => t.task_id === task);
    tally.equal(
      `${where}: tries of ${task} are numbered 1..n`,
      own.map((t) => t.try_number),
      own.map((_, i) => i + 1),
    );
    tally.check(
      `${where}: at most one successful try of ${task}`,
      own.filter((t) => t.state === 'success').length <= 1,
    );
  }
}

/** Where each line of the batch ended, against the reference validator over the very bytes landed. */
async function checkLineAccounting(
  tally: Tally,
  world: World,
  warehouse: DuckDbWarehouse,
  label: string,
  batch: BatchExpectation,
): Promise<void> {
  const where = `${label}: batch ${batch.runId}`;
  const reference = validateBatch(batch.files.map((f) => ({ name: f.name, bytes: f.bytes })));
  const params = { params: { b: batch.runId } };
  const rows = async <R extends Row>(sql: string) => (await warehouse.query<R>(sql, params)).rows;

  const raw = await rows<{ k: string; n: number }>(
    `SELECT source_file || ':' || line_number AS k, count(*) AS n FROM ecommerce_data.staging_orders_raw
      WHERE batch_id = $b GROUP BY ALL`,
  );
  tally.check(
    `${where}: no raw line loaded twice`,
    raw.every((r) => Number(r.n) === 1),
    () => JSON.stringify(raw.filter((r) => Number(r.n) !== 1).slice(0, 5)),
  );
  tally.equal(`${where}: lines read = reference`, raw.length, reference.totals.linesRead);

  const actual = new Map<string, string>();
  const kept = await rows<{ k: string; order_id: string }>(
    `SELECT source_file || ':' || line_number AS k, order_id FROM ecommerce_data.staging_orders WHERE batch_id = $b`,
  );
  const quarantined = await rows<{ k: string; reason_code: string; reason_detail: string | null }>(
    `SELECT source_file || ':' || line_number AS k, reason_code, reason_detail FROM ecommerce_data.quarantine_orders
      WHERE batch_id = $b`,
  );
  let twice = 0;
  for (const r of kept) {
    if (actual.has(r.k)) twice++;
    actual.set(r.k, `kept ${r.order_id}`);
  }
  for (const r of quarantined) {
    if (actual.has(r.k)) twice++;
    actual.set(r.k, `quarantined ${r.reason_code} ${r.reason_detail}`);
  }
  for (const r of raw) if (!actual.has(r.k)) actual.set(r.k, 'duplicate');
  tally.equal(`${where}: no line both kept and quarantined, or kept twice`, twice, 0);

  const expected = new Map<string, string>();
  for (const o of reference.objects)
    for (const l of o.lines) {
      const k = `${o.name}:${l.line}`;
      if (l.outcome === 'kept') expected.set(k, `kept ${l.order_id}`);
      else if (l.outcome === 'quarantined')
        expected.set(k, `quarantined ${l.reason_code} ${l.reason_detail}`);
      else if (l.outcome === 'duplicate') expected.set(k, 'duplicate');
    }
  tally.equal(
    `${where}: every line kept, quarantined or counted as a duplicate exactly as the reference says`,
    [...actual].sort(),
    [...expected].sort(),
  );

  // The file ledger's per-file accounting, and the data-quality rows of the run.
  const ledger = await world.meta<{
    object: string;
    lines_read: string | null;
    lines_kept: string | null;
    lines_quarantined: string | null;
    lines_duplicate: string | null;
  }>(
    `select object, lines_read, lines_kept, lines_quarantined, lines_duplicate from file_ledger
      where object = any($1::text[]) and lines_read is not null order by object`,
    [batch.files.map((f) => f.name)],
  );
  const perFile = reference.objects.map((o) => {
    const n = (outcome: string) => o.lines.filter((l) => l.outcome === outcome).length;
    return [
      o.name,
      n('kept') + n('quarantined') + n('duplicate'),
      n('kept'),
      n('quarantined'),
      n('duplicate'),
    ];
  });
  tally.equal(
    `${where}: the file ledger's line counts per file`,
    ledger
      .map((l) => [
        l.object,
        ...[l.lines_read, l.lines_kept, l.lines_quarantined, l.lines_duplicate].map(Number),
      ])
      .sort(byFirst),
    perFile.sort(byFirst),
  );
  const checks = await rows<{ check_name: string; status: string; rows_failed: number }>(
    `SELECT check_name, status, rows_failed FROM ecommerce_data.data_quality_checks WHERE run_id = $b
      ORDER BY check_name`,
  );
  tally.equal(
    `${where}: one data_quality_checks row per check`,
    checks.map((c) => c.check_name),
    ORDER_CHECKS,
  );
  const byName = new Map(checks.map((c) => [c.check_name, c]));
  tally.equal(
    `${where}: duplicate_order_ids counts the copies dropped`,
    Number(byName.get('duplicate_order_ids')?.rows_failed),
    reference.totals.duplicates,
  );
  tally.equal(
    `${where}: schema_validation counts the lines quarantined`,
    Number(byName.get('schema_validation')?.rows_failed),
    reference.totals.quarantined,
  );
  tally.equal(`${where}: batch_reconciliation passed`, byName.get('batch_reconciliation')?.status, 'pass');
}

/** The latest published version of every order, folding the published batches in batch (interval) order. */
function publishedOrders(
  all: readonly BatchExpectation[],
): Map<string, { order: ValidOrder; batch: string }> {
  const model = new Map<string, { order: ValidOrder; batch: string }>();
  for (const batch of [...all].filter((b) => b.published).sort((a, b) => a.runId.localeCompare(b.runId))) {
    const reference = validateBatch(batch.files.map((f) => ({ name: f.name, bytes: f.bytes })));
    for (const order of reference.kept) model.set(order.order_id, { order, batch: batch.runId });
  }
  return model;
}

async function checkFactAndAggregates(
  tally: Tally,
  world: World,
  warehouse: DuckDbWarehouse,
  label: string,
  all: readonly BatchExpectation[],
): Promise<void> {
  const model = publishedOrders(all);
  const category = (productId: string) => world.products.get(productId) ?? 'unknown';

  const expectedFact = [...model.values()].flatMap(({ order, batch }) =>
    order.items.map((item, i) =>
      JSON.stringify([
        order.order_id,
        i + 1,
        order.order_timestamp_utc,
        order.customer_id,
        order.payment_status,
        item.product_id,
        category(item.product_id),
        item.quantity,
        String(item.unit_price),
        String(BigInt(item.quantity) * item.unit_price),
        batch,
      ]),
    ),
  );
  const { rows: fact } = await warehouse.query<Record<string, string | number | null>>(
    `SELECT order_id, line_number, strftime(order_timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, customer_id,
            payment_status, product_id, category, quantity, CAST(unit_price AS VARCHAR) AS unit_price,
            CAST(line_total AS VARCHAR) AS line_total, batch_id
       FROM ecommerce_data.fact_orders`,
  );
  const actualFact = fact.map((r) =>
    JSON.stringify([
      r.order_id,
      Number(r.line_number),
      String(r.ts).replace('.000000Z', 'Z'),
      r.customer_id,
      r.payment_status,
      r.product_id,
      r.category,
      Number(r.quantity),
      String(scaled(r.unit_price)),
      String(scaled(r.line_total)),
      r.batch_id,
    ]),
  );
  const keys = fact.map((r) => `${r.order_id}#${r.line_number}`);
  tally.equal(`${label}: no fact line duplicated`, keys.length - new Set(keys).size, 0);
  tally.equal(`${label}: fact line count = independent computation`, actualFact.length, expectedFact.length);
  tally.equal(
    `${label}: fact_orders = the latest published version of every order, line by line`,
    actualFact.sort(),
    expectedFact.sort(),
  );

  const orders = [...model.values()].map((m) => m.order);
  const expectedHourly = [...hourlyMetrics(orders)].map(([hour, m]) =>
    JSON.stringify([
      hour,
      m.total_orders,
      m.completed_orders,
      String(m.revenue),
      m.items_sold,
      m.avg_order_value === null ? null : String(m.avg_order_value),
      m.unique_customers,
    ]),
  );
  const { rows: hourly } = await warehouse.query<Record<string, string | number | null>>(
    `SELECT strftime(hour_start, '%Y-%m-%dT%H:%M:%SZ') AS hour, total_orders, completed_orders,
            CAST(revenue AS VARCHAR) AS revenue, items_sold, CAST(avg_order_value AS VARCHAR) AS aov, unique_customers
       FROM ecommerce_data.agg_hourly_metrics`,
  );
  tally.equal(
    `${label}: agg_hourly_metrics = independent computation`,
    hourly
      .map((r) =>
        JSON.stringify([
          r.hour,
          Number(r.total_orders),
          Number(r.completed_orders),
          String(scaled(r.revenue)),
          Number(r.items_sold),
          r.aov === null ? null : String(scaled(r.aov)),
          Number(r.unique_customers),
        ]),
      )
      .sort(),
    expectedHourly.sort(),
  );

  const perCategory = new Map<string, { revenue: bigint; units: number; orders: Set<string> }>();
  for (const o of orders) {
    if (o.payment_status !== 'completed') continue;
    const day = formatUtc(o.epoch_micros).slice(0, 10);
    for (const item of o.items) {
      const key = `${day}|${category(item.product_id)}`;
      const c = perCategory.get(key) ?? { revenue: 0n, units: 0, orders: new Set<string>() };
      perCategory.set(key, c);
      c.revenue += BigInt(item.quantity) * item.unit_price;
      c.units += item.quantity;
      c.orders.add(o.order_id);
    }
  }
  const expectedCategory = [...perCategory].map(([key, c]) =>
    JSON.stringify([...key.split('|'), String(c.revenue), c.units, c.orders.size]),
  );
  const { rows: categoryRows } = await warehouse.query<Record<string, string | number>>(
    `SELECT strftime(order_date, '%Y-%m-%d') AS d, category, CAST(revenue AS VARCHAR) AS revenue, units, orders
       FROM ecommerce_data.agg_category_revenue`,
  );
  tally.equal(
    `${label}: agg_category_revenue = independent computation`,
    categoryRows
      .map((r) =>
        JSON.stringify([r.d, r.category, String(scaled(r.revenue)), Number(r.units), Number(r.orders)]),
      )
      .sort(),
    expectedCategory.sort(),
  );
}

/** Every landed file is in exactly one place, byte for byte; nothing is in landing and archive at once. */
async function checkFiles(
  tally: Tally,
  world: World,
  label: string,
  all: readonly BatchExpectation[],
): Promise<void> {
  const bucket = join(world.home, 'bucket');
  const everything = walk(bucket).map((p) => relative(bucket, p));
  const temps = everything.filter((p) => p.split('/').some((s) => s.startsWith('.sluice-tmp')));
  tally.equal(`${label}: no temp file left in the bucket`, temps, []);
  const objects = everything.filter((p) => !p.split('/').at(-1)!.startsWith('.sluice-'));
  const landing = objects.filter((p) => p.startsWith('landing/orders/'));
  const archive = objects.filter((p) => p.startsWith('archive/orders/'));
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const landingNames = new Set(landing.map(base));
  tally.equal(
    `${label}: no file both in landing and in archive`,
    archive.map(base).filter((n) => landingNames.has(n)),
    [],
  );
  const archivedNames = archive.map(base);
  tally.equal(`${label}: no file archived twice`, archivedNames.length - new Set(archivedNames).size, 0);

  const ledger = await world.meta<{
    object: string;
    state: string;
    moved_to: string | null;
    batch_id: string | null;
  }>(`select object, state, moved_to, batch_id from file_ledger where entity = 'orders'`);
  const ledgerOf = new Map(ledger.map((l) => [l.object, l]));
  const misplaced: string[] = [];
  const expectedPlaces: string[] = [];
  const archivedBy = new Map<string, BatchExpectation>();
  for (const batch of all) if (batch.archived) for (const f of batch.files) archivedBy.set(f.name, batch);
  const files = new Map<string, LandedFile>();
  for (const batch of all) for (const f of batch.files) files.set(f.name, f);
  for (const [name, file] of files) {
    const by = archivedBy.get(name);
    const place = by
      ? `archive/orders/dt=${by.intervalStart.toISOString().slice(0, 10)}/${by.runId}/${name.slice('landing/orders/'.length)}`
      : undefined;
    const found = objects.filter((p) => base(p) === base(name));
    if (found.length !== 1) misplaced.push(`${name} found at ${JSON.stringify(found)}`);
    else if (place && found[0] !== place) misplaced.push(`${name} at ${found[0]}, expected ${place}`);
    else if (sha256(readFileSync(join(bucket, found[0]!))) !== file.sha256) misplaced.push(`${name} changed`);
    expectedPlaces.push(name);
    const entry = ledgerOf.get(name);
    if (place && (entry?.state !== 'archived' || entry.moved_to !== place))
      misplaced.push(`${name}: ledger says ${JSON.stringify(entry)}, expected archived to ${place}`);
    if (!place && entry?.state === 'archived' && !objects.includes(entry.moved_to ?? ''))
      misplaced.push(`${name}: ledger says archived to ${entry.moved_to}, which does not exist`);
  }
  tally.equal(
    `${label}: every landed file in exactly one place, unchanged, as the ledger says`,
    misplaced,
    [],
  );
  // Objects the sensor ignored (other extensions) stay in landing by design; everything else was landed here.
  const ignored = new Set(ledger.filter((l) => l.state === 'ignored').map((l) => l.object));
  tally.equal(
    `${label}: nothing in the bucket that was not landed`,
    objects.filter(
      (p) => (p.startsWith('landing/orders/') || p.startsWith('archive/orders/')) && !ignored.has(p),
    ).length,
    expectedPlaces.length,
  );
}

function byFirst(a: readonly unknown[], b: readonly unknown[]): number {
  return String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** A decimal string as an integer scaled by 1e9 (as the reference validator counts money). */
function scaled(value: unknown): bigint {
  const text = String(value);
  const negative = text.startsWith('-');
  const [whole, frac = ''] = text.replace('-', '').split('.') as [string, string?];
  const v = BigInt(whole) * SCALE + BigInt(frac.padEnd(9, '0').slice(0, 9));
  return negative ? -v : v;
}
