/**
 * The metadata store on kysely, identical for PGlite and Postgres. State changes are single compare-and-set
 * statements (expected state + try number); the few read-then-write decisions run under an advisory lock, so
 * two schedulers cannot overbook: run admission in a transaction per DAG, task transitions and pool-slot
 * queueing in one call of the `sluice_transition_and_queue` function (migration 0003, one round trip).
 */
import { type Kysely, sql } from 'kysely';
import type { JsonValue } from '../../../core/dag/dag-definition.ts';
import type { DagSpec } from '../../../core/dag/dag-spec.ts';
import { runIdFor } from '../../../core/ids.ts';
import type { RunState } from '../../../core/run-state.ts';
import { FINISHED_STATES, isFinished, SLOT_STATES, type TaskState } from '../../../core/task-state.ts';
import type { BackfillStore } from '../../../ports/backfill-store.ts';
import type { FileLedger } from '../../../ports/file-ledger.ts';
import type {
  DagRecord,
  DagRun,
  LogLine,
  MetadataStore,
  NewRun,
  Pool,
  RunFilter,
  RunningTry,
  StartedTry,
  TaskInstance,
  TaskStateRow,
  TaskTransition,
  TaskTry,
  TryKey,
  TryOutcome,
  WorkerRecord,
} from '../../../ports/metadata-store.ts';
import type { MetadataDatabase } from './database.ts';
import { KyselyBackfillStore } from './kysely-backfill-store.ts';
import { KyselyFileLedger } from './kysely-file-ledger.ts';
import { migrateToLatest } from './migrate.ts';
import {
  toDagRecord,
  toDagRun,
  toJsonParam,
  toLogLine,
  toTaskInstance,
  toTaskTry,
  toWorker,
} from './row-mappers.ts';

export interface KyselyMetadataStoreOptions {
  readonly kind: 'pglite' | 'postgres';
  /** Schema holding the tables (Postgres search_path); `public` by default. */
  readonly schema?: string;
  /** Runs after the database is closed (e.g. release the PGlite directory lock). */
  readonly onClose?: () => Promise<void> | void;
}

const RUN_COLUMNS = sql.raw(
  'r.run_id as r_run_id, r.dag_id as r_dag_id, r.run_type as r_run_type, r.state as r_state, ' +
    'r.interval_start as r_interval_start, r.interval_end as r_interval_end, r.backfill_id as r_backfill_id, ' +
    'r.conf as r_conf, r.created_at as r_created_at, r.started_at as r_started_at, r.ended_at as r_ended_at',
);

/** A `MetadataStore` over a kysely instance whose dialect is Postgres (real or PGlite through the shim). */
export class KyselyMetadataStore implements MetadataStore {
  readonly kind: 'pglite' | 'postgres';
  readonly ledger: FileLedger;
  /** Backfill records in the same database (src/ports/backfill-store.ts). */
  readonly backfills: BackfillStore;
  readonly db: Kysely<MetadataDatabase>;
  readonly #schema: string;
  readonly #onClose: (() => Promise<void> | void) | undefined;
  #closed = false;

  constructor(db: Kysely<MetadataDatabase>, options: KyselyMetadataStoreOptions) {
    this.db = db;
    this.kind = options.kind;
    this.#schema = options.schema ?? 'public';
    this.#onClose = options.onClose;
    this.ledger = new KyselyFileLedger(db);
    this.backfills = new KyselyBackfillStore(db);
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db, this.#schema);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
    await this.#onClose?.();
  }

  // ---------------------------------------------------------------- DAGs

  async syncDags(specs: readonly DagSpec[], options: { deactivateMissing?: boolean } = {}): Promise<void> {
    const now = new Date();
    for (const spec of specs) {
      const row = {
        dag_id: spec.id,
        file: spec.file,
        description: spec.description,
        schedule: spec.schedule,
        spec: JSON.stringify(spec),
        active: true,
        updated_at: now,
      };
      await this.db
        .insertInto('dags')
        .values(row)
        .onConflict((oc) =>
          oc.column('dag_id').doUpdateSet({
            file: row.file,
            description: row.description,
            schedule: row.schedule,
            spec: row.spec,
            active: true,
            updated_at: now,
          }),
        )
        .execute();
    }
    if (options.deactivateMissing) {
      const ids = specs.map((s) => s.id);
      let q = this.db.updateTable('dags').set({ active: false, updated_at: now }).where('active', '=', true);
      if (ids.length > 0) q = q.where('dag_id', 'not in', ids);
      await q.execute();
    }
  }

  async listDags(): Promise<DagRecord[]> {
    const rows = await this.db.selectFrom('dags').selectAll().orderBy('dag_id').execute();
    return rows.map(toDagRecord);
  }

  async getDag(dagId: string): Promise<DagRecord | undefined> {
    const row = await this.db.selectFrom('dags').selectAll().where('dag_id', '=', dagId).executeTakeFirst();
    return row ? toDagRecord(row) : undefined;
  }

  async setPaused(dagId: string, paused: boolean): Promise<boolean> {
    const r = await this.db
      .updateTable('dags')
      .set({ paused, updated_at: new Date() })
      .where('dag_id', '=', dagId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async advanceSchedule(dagId: string, from: Date | null, to: Date): Promise<boolean> {
    let q = this.db.updateTable('dags').set({ scheduled_until: to }).where('dag_id', '=', dagId);
    q =
      from === null
        ? q.where('scheduled_until', 'is', null)
        : q
            .where('scheduled_until', '=', from)
            .where(sql<boolean>`${to}::timestamptz > ${from}::timestamptz`);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // ---------------------------------------------------------------- runs

  async createRun(run: NewRun, now: Date): Promise<DagRun | undefined> {
    const runId = runIdFor(run.dagId, run.intervalStart);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('dag_runs')
        .values({
          run_id: runId,
          dag_id: run.dagId,
          run_type: run.runType,
          state: 'queued',
          interval_start: run.intervalStart,
          interval_end: run.intervalEnd,
          backfill_id: run.backfillId ?? null,
          conf: toJsonParam(run.conf),
          created_at: now,
          started_at: null,
          ended_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) return undefined;
      if (run.tasks.length > 0) {
        await trx
          .insertInto('task_instances')
          .values(
            run.tasks.map((t) => ({
              run_id: runId,
              task_id: t.taskId,
              dag_id: run.dagId,
              state: 'none',
              pool: t.pool,
              priority: t.priority,
              interval_start: run.intervalStart,
              queued_at: null,
              started_at: null,
              first_started_at: null,
              ended_at: null,
              next_attempt_at: null,
              worker_id: null,
              result: null,
              updated_at: now,
            })),
          )
          .execute();
      }
      return toDagRun(row);
    });
  }

  async getRun(runId: string): Promise<DagRun | undefined> {
    const row = await this.db
      .selectFrom('dag_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirst();
    return row ? toDagRun(row) : undefined;
  }

  async listRuns(filter: RunFilter = {}): Promise<DagRun[]> {
    let q = this.db.selectFrom('dag_runs').selectAll();
    if (filter.dagId) q = q.where('dag_id', '=', filter.dagId);
    if (filter.states?.length) q = q.where('state', 'in', [...filter.states]);
    if (filter.runTypes?.length) q = q.where('run_type', 'in', [...filter.runTypes]);
    if (filter.backfillId) q = q.where('backfill_id', '=', filter.backfillId);
    if (filter.intervalFrom) q = q.where('interval_start', '>=', filter.intervalFrom);
    if (filter.intervalTo) q = q.where('interval_start', '<', filter.intervalTo);
    const order = filter.order ?? 'desc';
    const rows = await q
      .orderBy('interval_start', order)
      .orderBy('dag_id')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map((r) => toDagRun(r));
  }

  async countActiveRuns(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('dag_runs')
      .select(['dag_id', (eb) => eb.fn.countAll().as('n')])
      .where('state', 'in', ['queued', 'running'])
      .groupBy('dag_id')
      .execute();
    return new Map(rows.map((r) => [r.dag_id, Number(r.n)]));
  }

  async startQueuedRuns(dagId: string, maxActiveRuns: number, now: Date): Promise<DagRun[]> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`sluice.runs.${dagId}`}))`.execute(trx);
      const running = await trx
        .selectFrom('dag_runs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('dag_id', '=', dagId)
        .where('state', '=', 'running')
        // Backfill runs are admitted by their backfill, under its own limit (src/runtime/backfill-executor.ts).
        .where('run_type', '!=', 'backfill')
        .executeTakeFirstOrThrow();
      const free = maxActiveRuns - Number(running.n);
      if (free <= 0) return [];
      const rows = await trx
        .updateTable('dag_runs')
        .set({ state: 'running', started_at: now })
        .where('state', '=', 'queued')
        .where('run_id', 'in', (eb) =>
          eb
            .selectFrom('dag_runs')
            .select('run_id')
            .where('dag_id', '=', dagId)
            .where('state', '=', 'queued')
            .where('run_type', '!=', 'backfill')
            .orderBy('interval_start')
            .limit(free),
        )
        .returningAll()
        .execute();
      return rows
        .map((r) => toDagRun(r))
        .sort((a, b) => a.intervalStart.getTime() - b.intervalStart.getTime());
    });
  }

  async transitionRun(runId: string, from: readonly RunState[], to: RunState, now: Date): Promise<boolean> {
    const finished = to === 'success' || to === 'failed';
    const r = await this.db
      .updateTable('dag_runs')
      .set({
        state: to,
        ended_at: finished ? now : null,
        ...(to === 'running' ? { started_at: now } : {}),
      })
      .where('run_id', '=', runId)
      .where('state', 'in', [...from])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async clearTasks(runId: string, options: { taskIds?: readonly string[] }, now: Date): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx
        .updateTable('task_instances')
        .set({
          state: 'none',
          failures: 0,
          queued_at: null,
          started_at: null,
          first_started_at: null,
          ended_at: null,
          next_attempt_at: null,
          worker_id: null,
          result: null,
          updated_at: now,
        })
        .where('run_id', '=', runId)
        .where('state', 'not in', [...SLOT_STATES]);
      if (options.taskIds) {
        if (options.taskIds.length === 0) return [];
        q = q.where('task_id', 'in', [...options.taskIds]);
      }
      const rows = await q.returning('task_id').execute();
      if (rows.length > 0) {
        await trx
          .updateTable('dag_runs')
          .set({ state: 'queued', ended_at: null })
          .where('run_id', '=', runId)
          .where('state', 'in', ['success', 'failed'])
          .execute();
      }
      return rows.map((r) => r.task_id);
    });
  }

  // ---------------------------------------------------------------- task instances

  async listTaskInstances(runId: string): Promise<TaskInstance[]> {
    const rows = await this.db
      .selectFrom('task_instances')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('priority')
      .execute();
    return rows.map(toTaskInstance);
  }

  async loadRun(runId: string): Promise<{ run: DagRun; tasks: TaskStateRow[] } | undefined> {
    // One row: the run, and its tasks' states as a compact JSON array (cheaper to ship than full rows).
    const result = await sql<Record<string, unknown>>`
      select r.*, ${TASK_STATES_JSON} as tasks from dag_runs r where r.run_id = ${runId}`.execute(this.db);
    const row = result.rows[0];
    return row ? toLoadedRun(row) : undefined;
  }

  async loadRunTasks(
    runId: string,
    taskIds: readonly string[],
  ): Promise<{ run: DagRun; tasks: TaskStateRow[]; unfinishedOthers: number } | undefined> {
    const ids = [...taskIds];
    const result = await sql<Record<string, unknown>>`
      select r.*,
             (select coalesce(json_agg(json_build_array(t.task_id, t.state, t.try_number, t.pool,
                                                        t.next_attempt_at) order by t.priority), '[]'::json)
                from task_instances t where t.run_id = r.run_id and t.task_id = any(${ids}::text[])) as tasks,
             (select count(*) from task_instances o
               where o.run_id = r.run_id and o.task_id <> all(${ids}::text[])
                 and o.state not in (${sql.join([...FINISHED_STATES])})) as unfinished_others
        from dag_runs r where r.run_id = ${runId}`.execute(this.db);
    const row = result.rows[0];
    return row ? { ...toLoadedRun(row), unfinishedOthers: Number(row.unfinished_others) } : undefined;
  }

  async loadRunningRuns(limit = 10_000): Promise<{ run: DagRun; tasks: TaskStateRow[] }[]> {
    const result = await sql<Record<string, unknown>>`
      select r.*, ${TASK_STATES_JSON} as tasks from dag_runs r
       where r.state = 'running'
       order by r.interval_start, r.dag_id
       limit ${limit}::int`.execute(this.db);
    return result.rows.map(toLoadedRun);
  }

  async getTaskInstance(runId: string, taskId: string): Promise<TaskInstance | undefined> {
    const row = await this.db
      .selectFrom('task_instances')
      .selectAll()
      .where('run_id', '=', runId)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    return row ? toTaskInstance(row) : undefined;
  }

  async findTaskInstances(filter: {
    states: readonly import('../../../core/task-state.ts').TaskState[];
    dueBefore?: Date;
    queuedBefore?: Date;
    limit?: number;
  }): Promise<TaskInstance[]> {
    if (filter.states.length === 0) return [];
    let q = this.db
      .selectFrom('task_instances as t')
      .innerJoin('dag_runs as r', 'r.run_id', 't.run_id')
      .selectAll('t')
      .where('t.state', 'in', [...filter.states])
      .where('r.state', '=', 'running');
    if (filter.dueBefore) q = q.where('t.next_attempt_at', '<=', filter.dueBefore);
    if (filter.queuedBefore) q = q.where('t.queued_at', '<=', filter.queuedBefore);
    const rows = await q
      .orderBy('t.interval_start')
      .orderBy('t.priority')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(toTaskInstance);
  }

  async transitionTasks(changes: readonly TaskTransition[], now: Date): Promise<TaskTransition[]> {
    if (changes.length === 0) return [];
    return (await this.transitionAndQueue(changes, [], now)).applied;
  }

  async queueScheduled(pool: string, now: Date, limit?: number): Promise<TaskInstance[]> {
    return (await this.#step([], [pool], now, limit)).queued;
  }

  async transitionAndQueue(
    changes: readonly TaskTransition[],
    pools: readonly string[],
    now: Date,
  ): Promise<{ applied: TaskTransition[]; queued: TaskInstance[] }> {
    return this.#step(changes, pools, now);
  }

  /** One call of `sluice_transition_and_queue` (migration 0003): one round trip, one commit. */
  async #step(
    changes: readonly TaskTransition[],
    pools: readonly string[],
    now: Date,
    limit?: number,
  ): Promise<{ applied: TaskTransition[]; queued: TaskInstance[] }> {
    if (changes.length === 0 && pools.length === 0) return { applied: [], queued: [] };
    const json = JSON.stringify(
      changes.map((c, i) => ({
        i,
        run_id: c.runId,
        task_id: c.taskId,
        from_state: c.from,
        to_state: c.to,
        try_number: c.tryNumber ?? null,
        next_attempt_at: c.nextAttemptAt?.toISOString() ?? null,
        finished: isFinished(c.to),
      })),
    );
    const result = await sql<Record<string, unknown>>`
      select s.applied, (s.ti).*
        from sluice_transition_and_queue(${json}::jsonb, ${[...pools]}::text[], ${now}::timestamptz,
                                         ${limit ?? null}::int) as s`.execute(this.db);
    const applied = new Set<number>();
    const queued: TaskInstance[] = [];
    for (const row of result.rows) {
      if (row.applied !== null && row.applied !== undefined) applied.add(Number(row.applied));
      else queued.push(toTaskInstance(row));
    }
    queued.sort(
      (a, b) =>
        a.pool.localeCompare(b.pool) ||
        a.intervalStart.getTime() - b.intervalStart.getTime() ||
        a.priority - b.priority,
    );
    return { applied: changes.filter((_, i) => applied.has(i)), queued };
  }

  async poolsWithScheduled(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('task_instances')
      .select('pool')
      .distinct()
      .where('state', '=', 'scheduled')
      .execute();
    return rows.map((r) => r.pool);
  }

  // ---------------------------------------------------------------- tries

  async startTry(
    key: TryKey,
    workerId: string,
    now: Date,
    options: { readonly resultsOf?: readonly string[] } = {},
  ): Promise<StartedTry | undefined> {
    const { resultsOf } = options;
    // Only the results asked for: a try of a wide DAG must not read every result of its run.
    const results =
      resultsOf === undefined
        ? sql`(select coalesce(jsonb_object_agg(o.task_id, o.result), '{}'::jsonb)
                 from task_instances o where o.run_id = ti.run_id and o.result is not null)`
        : resultsOf.length === 0
          ? sql`'{}'::jsonb`
          : sql`(select coalesce(jsonb_object_agg(o.task_id, o.result), '{}'::jsonb)
                   from task_instances o
                  where o.run_id = ti.run_id and o.task_id = any(${[...resultsOf]}::text[])
                    and o.result is not null)`;
    const result = await sql<Record<string, unknown>>`
      with ti as (
        update task_instances
           set state = 'running', started_at = ${now}::timestamptz,
               first_started_at = coalesce(first_started_at, ${now}::timestamptz),
               worker_id = ${workerId}, ended_at = null, next_attempt_at = null, updated_at = ${now}::timestamptz
         where run_id = ${key.runId} and task_id = ${key.taskId} and try_number = ${key.tryNumber}
           and state = 'queued'
        returning *
      ), tr as (
        insert into task_tries (run_id, task_id, try_number, dag_id, state, worker_id, started_at)
        select run_id, task_id, try_number, dag_id, 'running', worker_id, started_at from ti
        on conflict (run_id, task_id, try_number) do nothing
      )
      select ti.*, ${RUN_COLUMNS}, ${results} as upstream_results
        from ti join dag_runs r on r.run_id = ti.run_id`.execute(this.db);
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      instance: toTaskInstance(row),
      run: toDagRun(row, 'r_'),
      results: (row.upstream_results ?? {}) as Record<string, JsonValue>,
    };
  }

  async finishTry(key: TryKey, outcome: TryOutcome, now: Date): Promise<boolean> {
    const result = toJsonParam(outcome.result);
    const error = outcome.error ?? null;
    const r = await sql<{ n: number | string }>`
      with ti as (
        update task_instances
           set state = ${outcome.state}, ended_at = ${now}::timestamptz,
               next_attempt_at = ${outcome.nextAttemptAt ?? null}::timestamptz,
               failures = failures + ${outcome.countsAsFailure ? 1 : 0}::int,
               result = case when ${outcome.state}::text = 'success' then ${result}::jsonb else result end,
               updated_at = ${now}::timestamptz
         where run_id = ${key.runId} and task_id = ${key.taskId} and try_number = ${key.tryNumber}
           and state = 'running'
        returning run_id, task_id, try_number
      ), tt as (
        update task_tries tt
           set state = ${outcome.state}, ended_at = ${now}::timestamptz,
               duration_ms = greatest(0, round(extract(epoch from (${now}::timestamptz - tt.started_at)) * 1000))::int,
               error_code = ${error?.code ?? null}, error_message = ${error?.message ?? null},
               error_stack = ${error?.stack ?? null}, result = ${result}::jsonb
          from ti
         where tt.run_id = ti.run_id and tt.task_id = ti.task_id and tt.try_number = ti.try_number
        returning 1
      )
      select count(*) as n from ti`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }

  async listTries(runId: string, taskId?: string): Promise<TaskTry[]> {
    let q = this.db.selectFrom('task_tries').selectAll().where('run_id', '=', runId);
    if (taskId) q = q.where('task_id', '=', taskId);
    const rows = await q.orderBy('task_id').orderBy('try_number').execute();
    return rows.map(toTaskTry);
  }

  async listRunningTries(): Promise<RunningTry[]> {
    const result = await sql<Record<string, unknown>>`
      select t.*, w.worker_id as w_worker_id, w.kind as w_kind, w.hostname as w_hostname, w.pid as w_pid,
             w.started_at as w_started_at, w.last_heartbeat_at as w_last_heartbeat_at, w.stopped_at as w_stopped_at
        from task_instances t left join workers w on w.worker_id = t.worker_id
       where t.state = 'running'
       order by t.started_at`.execute(this.db);
    return result.rows.map((row) => ({
      instance: toTaskInstance(row),
      worker: row.w_worker_id ? toWorker(row, 'w_') : null,
    }));
  }

  // ---------------------------------------------------------------- logs

  async appendLogs(key: TryKey, lines: readonly LogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.db
      .insertInto('task_logs')
      .values(
        lines.map((l) => ({
          run_id: key.runId,
          task_id: key.taskId,
          try_number: key.tryNumber,
          at: l.at,
          level: l.level,
          message: l.message,
          fields: l.fields && Object.keys(l.fields).length > 0 ? safeJson(l.fields) : null,
        })),
      )
      .execute();
  }

  async readLogs(runId: string, taskId: string, tryNumber?: number): Promise<LogLine[]> {
    let n = tryNumber;
    if (n === undefined) {
      const latest = await this.db
        .selectFrom('task_tries')
        .select((eb) => eb.fn.max('try_number').as('n'))
        .where('run_id', '=', runId)
        .where('task_id', '=', taskId)
        .executeTakeFirst();
      if (latest?.n === null || latest?.n === undefined) return [];
      n = Number(latest.n);
    }
    const rows = await this.db
      .selectFrom('task_logs')
      .selectAll()
      .where('run_id', '=', runId)
      .where('task_id', '=', taskId)
      .where('try_number', '=', n)
      .orderBy('id')
      .execute();
    return rows.map(toLogLine);
  }

  // ---------------------------------------------------------------- pools

  async ensurePools(
    pools: readonly { name: string; slots: number; description?: string }[],
    options: { overwrite?: boolean } = {},
  ): Promise<string[]> {
    const created: string[] = [];
    for (const p of pools) {
      const row = await this.db
        .insertInto('pools')
        .values({ name: p.name, slots: p.slots, description: p.description ?? '' })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('name')
        .executeTakeFirst();
      if (row) created.push(p.name);
      else if (options.overwrite)
        await this.db
          .updateTable('pools')
          .set({ slots: p.slots, ...(p.description !== undefined ? { description: p.description } : {}) })
          .where('name', '=', p.name)
          .execute();
    }
    return created;
  }

  async listPools(): Promise<Pool[]> {
    const result = await sql<{ name: string; slots: number; description: string; occupied: number | string }>`
      select p.name, p.slots, p.description,
             (select count(*) from task_instances t where t.pool = p.name and t.state in ('queued', 'running')) as occupied
        from pools p order by p.name`.execute(this.db);
    return result.rows.map((r) => ({
      name: r.name,
      slots: Number(r.slots),
      description: r.description,
      occupied: Number(r.occupied),
    }));
  }

  // ---------------------------------------------------------------- workers

  async registerWorker(
    worker: Omit<WorkerRecord, 'stoppedAt' | 'lastHeartbeatAt'>,
    now: Date,
  ): Promise<void> {
    await this.db
      .insertInto('workers')
      .values({
        worker_id: worker.workerId,
        kind: worker.kind,
        hostname: worker.hostname,
        pid: worker.pid,
        started_at: worker.startedAt,
        last_heartbeat_at: now,
        stopped_at: null,
      })
      .onConflict((oc) => oc.column('worker_id').doUpdateSet({ last_heartbeat_at: now, stopped_at: null }))
      .execute();
  }

  async heartbeat(workerId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('workers')
      .set({ last_heartbeat_at: now })
      .where('worker_id', '=', workerId)
      .execute();
  }

  async stopWorker(workerId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('workers')
      .set({ stopped_at: now, last_heartbeat_at: now })
      .where('worker_id', '=', workerId)
      .execute();
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    const rows = await this.db.selectFrom('workers').selectAll().orderBy('started_at', 'desc').execute();
    return rows.map((r) => toWorker(r));
  }
}

/** The compact task states of run `r` (task id, state, try, pool, next attempt), by priority. */
const TASK_STATES_JSON = sql`(select coalesce(json_agg(json_build_array(t.task_id, t.state, t.try_number, t.pool,
                                                       t.next_attempt_at) order by t.priority), '[]'::json)
                               from task_instances t where t.run_id = r.run_id)`;

function toLoadedRun(row: Record<string, unknown>): { run: DagRun; tasks: TaskStateRow[] } {
  const tasks = (row.tasks as [string, TaskState, number, string, string | null][]).map(
    ([taskId, state, tryNumber, pool, next]) => ({
      taskId,
      state,
      tryNumber,
      pool,
      nextAttemptAt: next === null ? null : new Date(next),
    }),
  );
  return { run: toDagRun(row), tasks };
}

function safeJson(value: unknown): string | null {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return JSON.stringify({ unserializable: String(value) });
  }
}
