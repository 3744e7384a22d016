/**
 * The load of one daily dimension snapshot, shared by `load_products` and `load_customers`: pick the newest
 * CSV in `landing/<entity>/` that landed before the end of the day (through the file ledger), check its header,
 * load it to staging with `warehouse.loadCsv`, quarantine bad rows, audit, merge into the dimension, then
 * archive every snapshot the run claimed to `archive/<entity>/dt=D/<batch_id>/`. The rows never leave the
 * warehouse; this code moves names, counts and timestamps.
 */
import { hasCode } from '../../src/core/errors/sluice-error.ts';
import type { LedgerEntry } from '../../src/ports/file-ledger.ts';
import type { ObjectInfo } from '../../src/ports/object-store.ts';
import { type JobContext, NonRetryableError, type SkipOutcome, skip } from '../../src/sdk/index.ts';
import { assertCsvHeader } from './csv-header.ts';
import { reportDay } from './report-day.ts';
import { runCheck } from './run-check.ts';

export interface SnapshotSpec {
  /** `products` or `customers`: the landing folder, the ledger entity and the table suffixes. */
  readonly entity: 'products' | 'customers';
  /** The upstream header, in order. */
  readonly columns: readonly string[];
  /** Key column of the snapshot (sample keys of the validation check). */
  readonly key: string;
  readonly dimension: string;
  /** Extra bound params of the merge besides batch_id. */
  readonly mergeParams: (ctx: JobContext<SnapshotParams>) => Record<string, string | Date>;
}

export interface SnapshotParams {
  /** Above this share of quarantined rows the snapshot is not merged and the task fails. */
  readonly maxQuarantinedPct: number;
}

export interface SnapshotResult {
  readonly [key: string]: string | number | string[];
  readonly snapshot: string;
  readonly superseded: string[];
  readonly rowsRead: number;
  readonly rowsQuarantined: number;
  readonly rowsDuplicate: number;
  readonly rowsMerged: number;
}

/**
 * Run the load for one entity; `skip()` when no snapshot landed before the end of the day.
 *
 * @example return loadSnapshot(ctx, { entity: 'products', columns: [...], key: 'product_id', ... })
 */
export async function loadSnapshot(
  ctx: JobContext<SnapshotParams>,
  spec: SnapshotSpec,
): Promise<SnapshotResult | SkipOutcome> {
  const { entity } = spec;
  const batchId = ctx.runId;
  const day = reportDay(ctx.interval);
  const sql = (name: string, vars?: Record<string, unknown>) => ctx.sql(name, vars);
  const opts = { identity: ctx.identity, signal: ctx.signal };

  await recordLanded(ctx, entity);
  await ctx.ledger.claim(entity, batchId, ctx.runId, { landedBefore: ctx.interval.end });
  // Everything this batch holds, including snapshots an earlier try of it already archived.
  const held = (await ctx.ledger.claimed(batchId)).filter((e) => e.entity === entity);
  if (held.length === 0)
    return skip(
      `no ${entity} snapshot in landing/${entity}/ landed before ${ctx.interval.end.toISOString()}`,
    );
  const newest = [...held].sort(
    (a, b) => b.landedAt.getTime() - a.landedAt.getTime() || b.object.localeCompare(a.object),
  )[0]!;
  const archiveOf = (e: LedgerEntry) => `archive/${entity}/dt=${day}/${batchId}/${basename(e.object)}`;
  const source = await currentLocation(ctx, newest, archiveOf(newest));
  ctx.log.info(`loading ${entity} snapshot ${newest.object}`, { source, held: held.length });

  await assertCsvHeader(ctx.objects, source, spec.columns);
  await ctx.warehouse.execute(sql(`sql/dimensions/reset_${singular(entity)}_batch`), {
    ...opts,
    params: { batch_id: batchId },
  });
  const uri = ctx.objects.uri(source);
  try {
    await ctx.warehouse.loadCsv(
      {
        uris: [uri],
        table: `staging_${entity}`,
        columns: spec.columns,
        constants: { batch_id: batchId },
        sourceNames: { [uri]: newest.object },
      },
      opts,
    );
  } catch (error) {
    // A file the CSV reader rejects (a row with too many fields, broken quoting) fails the same way on every
    // try: fail now, naming the file, instead of retrying.
    if (hasCode(error, 'E_WAREHOUSE_LOAD'))
      throw new NonRetryableError(
        `${newest.object}: the ${entity} snapshot cannot be read as CSV (${(error as Error).message}); fix the file upstream, or take it out with \`sluice files skip\``,
        { cause: error },
      );
    throw error;
  }
  await ctx.warehouse.execute(sql(`sql/dimensions/validate_${entity}`), {
    ...opts,
    params: { batch_id: batchId },
  });
  const counts = (
    await ctx.warehouse.query<Record<string, number | string>>(
      sql('sql/dimensions/batch_counts', { entity }),
      {
        ...opts,
        params: { batch_id: batchId },
      },
    )
  ).rows[0]!;
  const rowsRead = Number(counts.rows_read);
  const rowsQuarantined = Number(counts.rows_quarantined);
  const rowsDuplicate = Number(counts.rows_duplicate);

  const maxPct = ctx.params.maxQuarantinedPct;
  const check = await runCheck(ctx, {
    name: `${singular(entity)}_snapshot_validation`,
    targetTable: spec.dimension,
    params: { batch_id: batchId },
    rowsChecked: rowsRead,
    orderBy: [spec.key, 'reason_code', 'reason_detail'],
    sampleKey: (row) => `${String(row[spec.key] ?? '(no key)')}: ${row.reason_code} ${row.reason_detail}`,
    severity: 'warn',
    escalate: (failed, checked) => checked > 0 && (failed / checked) * 100 > maxPct,
    details: `rows of ${newest.object} quarantined in quarantine_${entity}; error above ${maxPct}% of rows`,
    batchId,
  });
  if (check.status === 'fail')
    throw new NonRetryableError(
      `${newest.object}: ${rowsQuarantined} of ${rowsRead} rows quarantined (more than ${maxPct}%), so ${spec.dimension} was not changed; see quarantine_${entity} where batch_id = '${batchId}', fix the file and re-run`,
    );

  await ctx.warehouse.execute(sql(`sql/dimensions/merge_dim_${entity}`), {
    ...opts,
    params: { batch_id: batchId, ...spec.mergeParams(ctx) },
  });
  await ctx.ledger.markLoaded(
    batchId,
    new Map([
      [
        newest.object,
        {
          linesRead: rowsRead,
          linesKept: rowsRead - rowsQuarantined,
          linesQuarantined: rowsQuarantined,
          linesDuplicate: 0,
        },
      ],
    ]),
  );

  // The older snapshots are superseded by the newest: archived with it, never loaded.
  const superseded: string[] = [];
  for (const entry of held) {
    if (entry.state === 'archived') continue;
    const destination = archiveOf(entry);
    if (await ctx.objects.exists(entry.object)) await ctx.objects.move(entry.object, destination);
    await ctx.ledger.markArchived(entry.object, entry.generation, destination);
    if (entry !== newest) superseded.push(entry.object);
  }
  if (superseded.length > 0) ctx.log.warn(`superseded ${entity} snapshots archived unloaded`, { superseded });

  return {
    snapshot: newest.object,
    superseded,
    rowsRead,
    rowsQuarantined,
    rowsDuplicate,
    rowsMerged: rowsRead - rowsQuarantined,
  };
}

/** Record the CSV objects of `landing/<entity>/` in the ledger; report anything else once. */
async function recordLanded(ctx: JobContext<unknown>, entity: string): Promise<void> {
  const snapshots: ObjectInfo[] = [];
  const others: ObjectInfo[] = [];
  for await (const object of ctx.objects.list(`landing/${entity}/`)) {
    if (object.name.endsWith('/') || object.size === 0) others.push(object);
    else if (object.name.toLowerCase().endsWith('.csv')) snapshots.push(object);
    else others.push(object);
  }
  if (snapshots.length > 0) await ctx.ledger.record(entity, snapshots);
  if (others.length > 0)
    for (const e of await ctx.ledger.ignore(entity, others, `not a ${entity} CSV snapshot (.csv, non-empty)`))
      ctx.log.warn(`ignored ${e.object}: not a ${entity} CSV snapshot (.csv, non-empty)`);
}

/** Where the entry's object is now: its landing name, or the archive after a crash mid-archive. */
async function currentLocation(
  ctx: JobContext<unknown>,
  entry: LedgerEntry,
  archived: string,
): Promise<string> {
  if (entry.state === 'archived' && entry.movedTo) return entry.movedTo;
  if (await ctx.objects.exists(entry.object)) return entry.object;
  if (await ctx.objects.exists(archived)) return archived;
  throw new NonRetryableError(
    `${entry.object}: the ${entry.entity} snapshot claimed by ${ctx.runId} is neither in landing nor at ${archived}; check the bucket and the file ledger (sluice files list)`,
  );
}

function basename(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

function singular(entity: 'products' | 'customers'): 'product' | 'customer' {
  return entity === 'products' ? 'product' : 'customer';
}
