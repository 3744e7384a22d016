/**
 * Backfill records on kysely (PGlite and Postgres alike), beside the runs they start. Claims are one
 * compare-and-set under a per-backfill advisory lock that also counts the backfill's active runs, so two
 * schedulers never exceed its max-active-runs nor start an interval twice (docs/adr/0017-backfills.md).
 */
import { type Kysely, sql } from 'kysely';
import type { BackfillCounts } from '../../../core/backfill/backfill-progress.ts';
import type {
  BackfillAction,
  BackfillIntervalState,
  BackfillState,
} from '../../../core/backfill/backfill-state.ts';
import type { ReprocessMode } from '../../../core/backfill/reprocess-mode.ts';
import { ConflictError } from '../../../core/errors/conflict-error.ts';
import type { RunState } from '../../../core/run-state.ts';
import type {
  Backfill,
  BackfillInterval,
  BackfillStore,
  IntervalWithRun,
  NewBackfill,
} from '../../../ports/backfill-store.ts';

type R = Record<string, any>;

/** Rows per INSERT of intervals (6 parameters each, well under Postgres' 65,535). */
const CHUNK = 1_000;

/** The backfill section of the kysely metadata store; shares the store's kysely instance. */
export class KyselyBackfillStore implements BackfillStore {
  readonly #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  async create(backfill: NewBackfill, now: Date): Promise<Backfill> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`sluice.backfills.${backfill.dagId}`}))`.execute(
          trx,
        );
        const running = await sql<R>`
          select backfill_id, from_at, to_at from backfills where dag_id = ${backfill.dagId} and state = 'running'`.execute(
          trx,
        );
        if (running.rows[0]) throw alreadyRunning(backfill.dagId, running.rows[0]);
        const inserted = await sql<R>`
          insert into backfills (dag_id, from_at, to_at, reprocess, max_active_runs, state, total_intervals,
                                 created_at, updated_at)
          values (${backfill.dagId}, ${backfill.from}::timestamptz, ${backfill.to}::timestamptz,
                  ${backfill.reprocess}, ${backfill.maxActiveRuns}::int, 'running',
                  ${backfill.intervals.length}::int, ${now}::timestamptz, ${now}::timestamptz)
          returning *`.execute(trx);
        const row = inserted.rows[0]!;
        for (let i = 0; i < backfill.intervals.length; i += CHUNK) {
          const values = sql.join(
            backfill.intervals
              .slice(i, i + CHUNK)
              .map(
                (iv) =>
                  sql`(${row.backfill_id}::text, ${iv.start}::timestamptz, ${iv.end}::timestamptz, ${iv.runId}::text, 'pending', ${now}::timestamptz)`,
              ),
          );
          await sql`
            insert into backfill_intervals (backfill_id, interval_start, interval_end, run_id, state, updated_at)
            values ${values}`.execute(trx);
        }
        return toBackfill(row);
      });
    } catch (error) {
      // The partial unique index is the last word when two creators raced past the check above.
      if ((error as { code?: string }).code === '23505') {
        const other = await sql<R>`
          select backfill_id, from_at, to_at from backfills where dag_id = ${backfill.dagId} and state = 'running'`.execute(
          this.#db,
        );
        if (other.rows[0]) throw alreadyRunning(backfill.dagId, other.rows[0]);
      }
      throw error;
    }
  }

  async get(backfillId: string): Promise<Backfill | undefined> {
    const r = await sql<R>`select * from backfills where backfill_id = ${backfillId}`.execute(this.#db);
    return r.rows[0] ? toBackfill(r.rows[0]) : undefined;
  }

  async list(
    filter: { dagId?: string; states?: readonly BackfillState[]; limit?: number } = {},
  ): Promise<Backfill[]> {
    const states = filter.states?.length ? [...filter.states] : null;
    const r = await sql<R>`
      select * from backfills
       where (${filter.dagId ?? null}::text is null or dag_id = ${filter.dagId ?? null}::text)
         and (${states}::text[] is null or state = any(${states}::text[]))
       order by created_at desc, length(backfill_id) desc, backfill_id desc
       limit ${filter.limit ?? 100}::int`.execute(this.#db);
    return r.rows.map(toBackfill);
  }

  async listActive(): Promise<Backfill[]> {
    const r = await sql<R>`
      select * from backfills where completed_at is null order by created_at, backfill_id`.execute(this.#db);
    return r.rows.map(toBackfill);
  }

  async counts(backfillId: string): Promise<BackfillCounts> {
    const r = await sql<R>`
      select count(*) as total,
             count(*) filter (where i.state in ('pending', 'claimed')) as pending,
             count(*) filter (where i.state = 'skipped') as skipped,
             count(*) filter (where i.state = 'cancelled') as cancelled,
             count(*) filter (where i.state = 'started' and r.state = 'queued') as queued,
             count(*) filter (where i.state = 'started' and r.state = 'running') as running,
             count(*) filter (where i.state = 'started' and r.state = 'success') as success,
             count(*) filter (where i.state = 'started' and r.state = 'failed') as failed
        from backfill_intervals i left join dag_runs r on r.run_id = i.run_id
       where i.backfill_id = ${backfillId}`.execute(this.#db);
    const c = r.rows[0] ?? {};
    return {
      total: Number(c.total ?? 0),
      pending: Number(c.pending ?? 0),
      skipped: Number(c.skipped ?? 0),
      cancelled: Number(c.cancelled ?? 0),
      queued: Number(c.queued ?? 0),
      running: Number(c.running ?? 0),
      success: Number(c.success ?? 0),
      failed: Number(c.failed ?? 0),
    };
  }

  async listIntervals(
    backfillId: string,
    options: { states?: readonly BackfillIntervalState[]; limit?: number; offset?: number } = {},
  ): Promise<BackfillInterval[]> {
    const states = options.states?.length ? [...options.states] : null;
    const r = await sql<R>`
      select * from backfill_intervals
       where backfill_id = ${backfillId}
         and (${states}::text[] is null or state = any(${states}::text[]))
       order by interval_start
       limit ${options.limit ?? 1_000}::int offset ${options.offset ?? 0}::int`.execute(this.#db);
    return r.rows.map(toInterval);
  }

  async nextIntervals(
    backfillId: string,
    options: { limit: number; staleBefore: Date },
  ): Promise<IntervalWithRun[]> {
    const r = await sql<R>`
      select i.*, r.state as r_state, r.backfill_id as r_backfill_id, r.ended_at as r_ended_at
        from backfill_intervals i left join dag_runs r on r.run_id = i.run_id
       where i.backfill_id = ${backfillId}
         and (i.state = 'pending' or (i.state = 'claimed' and i.claimed_at < ${options.staleBefore}::timestamptz))
       order by i.interval_start
       limit ${options.limit}::int`.execute(this.#db);
    return r.rows.map((row) => ({
      interval: toInterval(row),
      run: row.r_state
        ? {
            state: row.r_state as RunState,
            backfillId: row.r_backfill_id ?? null,
            endedAt: row.r_ended_at ? new Date(row.r_ended_at) : null,
          }
        : null,
    }));
  }

  async activeCount(backfillId: string): Promise<number> {
    const r = await sql<{ n: number | string }>`
      select (select count(*) from dag_runs where backfill_id = ${backfillId} and state in ('queued', 'running'))
           + (select count(*) from backfill_intervals where backfill_id = ${backfillId} and state = 'claimed') as n`.execute(
      this.#db,
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async claim(
    backfillId: string,
    intervalStart: Date,
    maxActiveRuns: number,
    now: Date,
    staleBefore: Date,
  ): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`sluice.backfill.${backfillId}`}))`.execute(trx);
      const r = await sql`
        update backfill_intervals i
           set state = 'claimed', claimed_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
         where i.backfill_id = ${backfillId} and i.interval_start = ${intervalStart}::timestamptz
           and (i.state = 'pending' or (i.state = 'claimed' and i.claimed_at < ${staleBefore}::timestamptz))
           and exists (select 1 from backfills b where b.backfill_id = ${backfillId} and b.state = 'running')
           and (select count(*) from dag_runs r where r.backfill_id = ${backfillId} and r.state in ('queued', 'running'))
             + (select count(*) from backfill_intervals c
                 where c.backfill_id = ${backfillId} and c.state = 'claimed'
                   and c.interval_start <> ${intervalStart}::timestamptz) < ${maxActiveRuns}::int
        returning 1`.execute(trx);
      return r.rows.length > 0;
    });
  }

  async release(backfillId: string, intervalStart: Date): Promise<void> {
    await sql`
      update backfill_intervals set state = 'pending', claimed_at = null
       where backfill_id = ${backfillId} and interval_start = ${intervalStart}::timestamptz and state = 'claimed'`.execute(
      this.#db,
    );
  }

  async markStarted(
    backfillId: string,
    intervalStart: Date,
    action: BackfillAction,
    priorState: RunState | null,
    now: Date,
  ): Promise<void> {
    await sql`
      update backfill_intervals
         set state = 'started', action = ${action}, prior_state = ${priorState}, started_at = ${now}::timestamptz,
             updated_at = ${now}::timestamptz
       where backfill_id = ${backfillId} and interval_start = ${intervalStart}::timestamptz and state = 'claimed'`.execute(
      this.#db,
    );
  }

  async markSkipped(
    backfillId: string,
    skips: readonly { intervalStart: Date; reason: string; priorState: RunState | null }[],
    now: Date,
  ): Promise<number> {
    let n = 0;
    for (let i = 0; i < skips.length; i += CHUNK) {
      const values = sql.join(
        skips
          .slice(i, i + CHUNK)
          .map((s) => sql`(${s.intervalStart}::timestamptz, ${s.reason}::text, ${s.priorState}::text)`),
      );
      const r = await sql`
        update backfill_intervals i
           set state = 'skipped', reason = v.reason, prior_state = v.prior_state, updated_at = ${now}::timestamptz
          from (values ${values}) as v(interval_start, reason, prior_state)
         where i.backfill_id = ${backfillId} and i.interval_start = v.interval_start and i.state = 'pending'
        returning 1`.execute(this.#db);
      n += r.rows.length;
    }
    return n;
  }

  async adoptRun(runId: string, backfillId: string, fromState: 'success' | 'failed'): Promise<boolean> {
    const r = await sql`
      update dag_runs set run_type = 'backfill', backfill_id = ${backfillId}
       where run_id = ${runId} and state = ${fromState}
      returning 1`.execute(this.#db);
    return r.rows.length > 0;
  }

  async cancel(backfillId: string, now: Date): Promise<Backfill | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`sluice.backfill.${backfillId}`}))`.execute(trx);
      await sql`
        update backfills set state = 'cancelled', cancelled_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
         where backfill_id = ${backfillId} and state = 'running'`.execute(trx);
      await sql`
        update backfill_intervals set state = 'cancelled', updated_at = ${now}::timestamptz
         where backfill_id = ${backfillId} and state = 'pending'`.execute(trx);
      const r = await sql<R>`select * from backfills where backfill_id = ${backfillId}`.execute(trx);
      return r.rows[0] ? toBackfill(r.rows[0]) : undefined;
    });
  }

  async completeIfSettled(backfillId: string, now: Date): Promise<boolean> {
    const r = await sql`
      update backfills b
         set state = case when b.state = 'running' then 'completed' else b.state end,
             completed_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
       where b.backfill_id = ${backfillId} and b.completed_at is null
         and not exists (select 1 from backfill_intervals i
                          where i.backfill_id = ${backfillId} and i.state in ('pending', 'claimed'))
         and not exists (select 1 from dag_runs r
                          where r.backfill_id = ${backfillId} and r.state in ('queued', 'running'))
      returning 1`.execute(this.#db);
    return r.rows.length > 0;
  }
}

function alreadyRunning(dagId: string, row: R): ConflictError {
  return new ConflictError(
    `DAG ${dagId} already has a running backfill ${row.backfill_id} [${day(row.from_at)}, ${day(row.to_at)}); ` +
      `follow it with \`sluice backfill status ${row.backfill_id}\` or cancel it with \`sluice backfill cancel ${row.backfill_id}\``,
  );
}

function day(value: unknown): string {
  const iso = new Date(value as string).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string);
}

function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : date(value);
}

function toBackfill(r: R): Backfill {
  return {
    backfillId: r.backfill_id,
    dagId: r.dag_id,
    from: date(r.from_at),
    to: date(r.to_at),
    reprocess: r.reprocess as ReprocessMode,
    maxActiveRuns: Number(r.max_active_runs),
    state: r.state as BackfillState,
    totalIntervals: Number(r.total_intervals),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    completedAt: dateOrNull(r.completed_at),
    cancelledAt: dateOrNull(r.cancelled_at),
  };
}

function toInterval(r: R): BackfillInterval {
  return {
    backfillId: r.backfill_id,
    intervalStart: date(r.interval_start),
    intervalEnd: date(r.interval_end),
    runId: r.run_id,
    state: r.state as BackfillIntervalState,
    action: (r.action ?? null) as BackfillAction | null,
    priorState: (r.prior_state ?? null) as RunState | null,
    reason: r.reason ?? null,
    claimedAt: dateOrNull(r.claimed_at),
    startedAt: dateOrNull(r.started_at),
  };
}
