/**
 * The file ledger in the metadata database. `claim` is one transaction under a per-entity advisory lock, so
 * two batches never claim the same object; entries held by a batch whose run ended `failed` are taken over,
 * so a blocked batch's files are picked up by the next run.
 */
import { type Kysely, sql } from 'kysely';
import { NotFoundError } from '../../../core/errors/not-found-error.ts';
import type { FileLedger, FileState, LedgerEntry, LineCounts } from '../../../ports/file-ledger.ts';
import type { ObjectInfo } from '../../../ports/object-store.ts';
import type { MetadataDatabase } from './database.ts';
import { toLedgerEntry } from './row-mappers.ts';

export class KyselyFileLedger implements FileLedger {
  readonly #db: Kysely<MetadataDatabase>;

  constructor(db: Kysely<MetadataDatabase>) {
    this.#db = db;
  }

  record(entity: string, objects: readonly ObjectInfo[]): Promise<LedgerEntry[]> {
    return this.#insert(entity, objects, 'landed', null);
  }

  ignore(entity: string, objects: readonly ObjectInfo[], reason: string): Promise<LedgerEntry[]> {
    return this.#insert(entity, objects, 'ignored', reason);
  }

  async #insert(
    entity: string,
    objects: readonly ObjectInfo[],
    state: FileState,
    reason: string | null,
  ): Promise<LedgerEntry[]> {
    if (objects.length === 0) return [];
    const now = new Date();
    const out: LedgerEntry[] = [];
    // Chunks keep the statement under Postgres' parameter limit for large listings.
    for (let i = 0; i < objects.length; i += 500) {
      const rows = await this.#db
        .insertInto('file_ledger')
        .values(
          objects.slice(i, i + 500).map((o) => ({
            object: o.name,
            generation: o.generation,
            entity,
            size: o.size,
            landed_at: o.createdAt,
            state,
            batch_id: null,
            run_id: null,
            moved_to: null,
            lines_read: null,
            lines_kept: null,
            lines_quarantined: null,
            lines_duplicate: null,
            reason,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['object', 'generation']).doNothing())
        .returningAll()
        .execute();
      out.push(...rows.map(toLedgerEntry));
    }
    return sortEntries(out);
  }

  async claim(
    entity: string,
    batchId: string,
    runId: string,
    options: { landedBefore?: Date } = {},
  ): Promise<LedgerEntry[]> {
    const now = new Date();
    return this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`sluice.ledger.${entity}`}))`.execute(trx);
      const landedBefore = options.landedBefore ?? null;
      await sql`
        update file_ledger f
           set state = 'claimed', batch_id = ${batchId}, run_id = ${runId}, moved_to = null,
               lines_read = null, lines_kept = null, lines_quarantined = null, lines_duplicate = null,
               reason = null, updated_at = ${now}::timestamptz
         where f.entity = ${entity}
           and (${landedBefore}::timestamptz is null or f.landed_at < ${landedBefore}::timestamptz)
           and (
             f.state = 'landed'
             or (f.state in ('claimed', 'loaded') and f.batch_id is distinct from ${batchId}
                 and exists (select 1 from dag_runs r where r.run_id = f.run_id and r.state = 'failed'))
           )`.execute(trx);
      const rows = await trx
        .selectFrom('file_ledger')
        .selectAll()
        .where('entity', '=', entity)
        .where('batch_id', '=', batchId)
        .where('state', 'in', ['claimed', 'loaded'])
        .orderBy('landed_at')
        .orderBy('object')
        .execute();
      return rows.map(toLedgerEntry);
    });
  }

  async claimed(batchId: string): Promise<LedgerEntry[]> {
    const rows = await this.#db
      .selectFrom('file_ledger')
      .selectAll()
      .where('batch_id', '=', batchId)
      .where('state', 'in', ['claimed', 'loaded', 'archived'])
      .orderBy('landed_at')
      .orderBy('object')
      .execute();
    return rows.map(toLedgerEntry);
  }

  async markLoaded(batchId: string, counts: ReadonlyMap<string, LineCounts>): Promise<void> {
    const now = new Date();
    await this.#db.transaction().execute(async (trx) => {
      for (const [object, c] of counts) {
        await trx
          .updateTable('file_ledger')
          .set({
            state: 'loaded',
            lines_read: c.linesRead,
            lines_kept: c.linesKept,
            lines_quarantined: c.linesQuarantined,
            lines_duplicate: c.linesDuplicate,
            updated_at: now,
          })
          .where('batch_id', '=', batchId)
          .where('object', '=', object)
          .where('state', 'in', ['claimed', 'loaded'])
          .execute();
      }
    });
  }

  async markArchived(object: string, generation: string, movedTo: string): Promise<void> {
    await this.#db
      .updateTable('file_ledger')
      .set({ state: 'archived', moved_to: movedTo, updated_at: new Date() })
      .where('object', '=', object)
      .where('generation', '=', generation)
      .execute();
  }

  async reject(object: string, reason: string, movedTo: string): Promise<LedgerEntry> {
    const row = await this.#db
      .updateTable('file_ledger')
      .set({ state: 'rejected', reason, moved_to: movedTo, updated_at: new Date() })
      .where('object', '=', object)
      .where('state', 'in', ['landed', 'claimed', 'loaded'])
      .returningAll()
      .executeTakeFirst();
    if (!row)
      throw new NotFoundError(
        `no unfinished ledger entry for object "${object}"; list them with \`sluice files list --json\``,
      );
    return toLedgerEntry(row);
  }

  async list(
    filter: { state?: FileState; entity?: string; batchId?: string; limit?: number } = {},
  ): Promise<LedgerEntry[]> {
    let q = this.#db.selectFrom('file_ledger').selectAll();
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.entity) q = q.where('entity', '=', filter.entity);
    if (filter.batchId) q = q.where('batch_id', '=', filter.batchId);
    const rows = await q
      .orderBy('landed_at')
      .orderBy('object')
      .limit(filter.limit ?? 10_000)
      .execute();
    return rows.map(toLedgerEntry);
  }

  async landedIn(entity: string, start: Date, end: Date): Promise<LedgerEntry[]> {
    const rows = await this.#db
      .selectFrom('file_ledger')
      .selectAll()
      .where('entity', '=', entity)
      .where('state', '=', 'archived')
      .where('landed_at', '>=', start)
      .where('landed_at', '<', end)
      .orderBy('landed_at')
      .orderBy('object')
      .execute();
    return rows.map(toLedgerEntry);
  }
}

function sortEntries(entries: LedgerEntry[]): LedgerEntry[] {
  return entries.sort(
    (a, b) => a.landedAt.getTime() - b.landedAt.getTime() || a.object.localeCompare(b.object),
  );
}
