/**
 * The bookkeeping of one order batch (batch id = run id): the files it holds, and its line accounting read
 * from the warehouse (counts only; the lines stay in the warehouse).
 */
import type { LedgerEntry, LineCounts } from '../../src/ports/file-ledger.ts';
import type { JobContext } from '../../src/sdk/index.ts';
import { ORDERS_ENTITY } from './order-files.ts';

export interface BatchTotals {
  readonly [key: string]: number;
  readonly files: number;
  readonly linesRead: number;
  readonly linesKept: number;
  readonly linesQuarantined: number;
  readonly linesDuplicate: number;
  /** Valid lines: kept + duplicates dropped. */
  readonly linesValid: number;
  /** Order lines (items) of the kept orders. */
  readonly orderLines: number;
}

export interface BatchCounts {
  readonly perFile: Map<string, LineCounts>;
  readonly totals: BatchTotals;
}

/**
 * The order files this batch holds (claimed, loaded or archived), in landing order. A backfill run whose batch
 * holds none works on the archived files that landed in its interval (docs/backfill.md); it never claims.
 */
export async function batchFiles(ctx: JobContext<unknown>): Promise<LedgerEntry[]> {
  const held = (await ctx.ledger.claimed(ctx.runId)).filter((e) => e.entity === ORDERS_ENTITY);
  if (held.length > 0 || ctx.runType !== 'backfill') return held;
  return ctx.ledger.landedIn(ORDERS_ENTITY, ctx.interval.start, ctx.interval.end);
}

/** Statement options every warehouse call of the order jobs passes: the batch id, identity and abort signal. */
export function batchOptions(ctx: JobContext<unknown>) {
  return { params: { batch_id: ctx.runId }, identity: ctx.identity, signal: ctx.signal };
}

/**
 * Line accounting of the batch per file (files without a non-blank line count zero) and in total.
 *
 * @example const { perFile, totals } = await batchCounts(ctx, files.map((f) => f.object))
 */
export async function batchCounts(
  ctx: JobContext<unknown>,
  objects: readonly string[],
): Promise<BatchCounts> {
  const { rows } = await ctx.warehouse.query<Record<string, string | number>>(
    ctx.sql('sql/orders/batch_counts'),
    batchOptions(ctx),
  );
  const perFile = new Map<string, LineCounts>(
    objects.map((o) => [o, { linesRead: 0, linesKept: 0, linesQuarantined: 0, linesDuplicate: 0 }]),
  );
  let orderLines = 0;
  for (const row of rows) {
    perFile.set(String(row.source_file), {
      linesRead: Number(row.lines_read),
      linesKept: Number(row.lines_kept),
      linesQuarantined: Number(row.lines_quarantined),
      linesDuplicate: Number(row.lines_duplicate),
    });
    orderLines += Number(row.order_lines);
  }
  const sum = (k: keyof LineCounts) => [...perFile.values()].reduce((acc, c) => acc + c[k], 0);
  const totals: BatchTotals = {
    files: perFile.size,
    linesRead: sum('linesRead'),
    linesKept: sum('linesKept'),
    linesQuarantined: sum('linesQuarantined'),
    linesDuplicate: sum('linesDuplicate'),
    linesValid: sum('linesKept') + sum('linesDuplicate'),
    orderLines,
  };
  return { perFile, totals };
}
