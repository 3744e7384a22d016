/**
 * The metadata store port: DAGs, runs, task instances and their tries, per-try logs, pools, workers and the
 * file ledger. Implemented once with kysely (`src/adapters/metadata/kysely`) on PGlite (embedded) and
 * Postgres; both pass `test/metadata/metadata-store.contract.ts`.
 *
 * Every state change is a compare-and-set on (expected state, try number), so a try that lost its lease
 * (a zombie that came back, a duplicate delivery) cannot overwrite the outcome of a newer one
 * (docs/adr/0012-compare-and-set-fencing.md).
 */
import type { JsonValue } from '../core/dag/dag-definition.ts';
import type { DagSpec } from '../core/dag/dag-spec.ts';
import type { RunState, RunType } from '../core/run-state.ts';
import type { TaskState } from '../core/task-state.ts';
import type { FileLedger } from './file-ledger.ts';
import type { LogLevel } from './logger.ts';

/** A DAG as last seen by a loader, with its operator-controlled flags. */
export interface DagRecord {
  readonly dagId: string;
  readonly file: string;
  readonly description: string;
  readonly schedule: string | null;
  readonly paused: boolean;
  /** False when the file disappeared (runs stay, nothing new is scheduled). */
  readonly active: boolean;
  /** End of the latest interval the scheduler created a run for (its cursor); null before the first. */
  readonly scheduledUntil: Date | null;
  /** The compiled spec as JSON (dates as ISO strings). */
  readonly spec: JsonValue;
  readonly updatedAt: Date;
}

export interface DagRun {
  /** `<dag_id>__<YYYYMMDDTHHmmZ>`, unique per (dag, interval start). */
  readonly runId: string;
  readonly dagId: string;
  readonly runType: RunType;
  readonly state: RunState;
  readonly intervalStart: Date;
  readonly intervalEnd: Date;
  /** Set for runs created by a backfill (its id in the backfill helper's table). */
  readonly backfillId: string | null;
  readonly conf: JsonValue | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
}

export interface TaskInstance {
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly state: TaskState;
  /** Number of the current or latest try (0 before the first). Grows with retries and sensor pokes. */
  readonly tryNumber: number;
  /** Failed tries counted against `retries` since the last clear. */
  readonly failures: number;
  readonly pool: string;
  /** Topological position; with the interval start it orders who gets a free slot first. */
  readonly priority: number;
  readonly intervalStart: Date;
  readonly queuedAt: Date | null;
  /** Start of the current/latest try. */
  readonly startedAt: Date | null;
  /** Start of the first try since the last clear (sensor timeouts count from here). */
  readonly firstStartedAt: Date | null;
  readonly endedAt: Date | null;
  /** When an `up_for_retry` / `up_for_reschedule` task becomes due again. */
  readonly nextAttemptAt: Date | null;
  readonly workerId: string | null;
  /** Result of the latest successful try (what `ctx.upstream()` returns). */
  readonly result: JsonValue | null;
  readonly updatedAt: Date;
}

/** What the scheduler decides on for one task instance. */
export type TaskStateRow = Pick<TaskInstance, 'taskId' | 'state' | 'tryNumber' | 'pool' | 'nextAttemptAt'>;

/** Identifies one try. */
export interface TryKey {
  readonly runId: string;
  readonly taskId: string;
  readonly tryNumber: number;
}

export interface TryError {
  readonly code: string | null;
  readonly message: string;
  readonly stack: string | null;
}

export interface TaskTry {
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  /** `running` while in progress, then the state the task went to. */
  readonly state: TaskState;
  readonly workerId: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly durationMs: number | null;
  readonly error: TryError | null;
  readonly result: JsonValue | null;
}

export interface LogLine {
  readonly at: Date;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: Record<string, unknown> | null;
}

export interface Pool {
  readonly name: string;
  readonly slots: number;
  readonly description: string;
  /** Task instances queued or running in it now (across all workers). */
  readonly occupied: number;
}

export interface WorkerRecord {
  readonly workerId: string;
  /** `local` (in-process with a scheduler), `bullmq` (a worker process)... */
  readonly kind: string;
  readonly hostname: string;
  readonly pid: number;
  readonly startedAt: Date;
  readonly lastHeartbeatAt: Date;
  readonly stoppedAt: Date | null;
}

/** A running try with what zombie detection needs about its worker. */
export interface RunningTry {
  readonly instance: TaskInstance;
  readonly worker: WorkerRecord | null;
}

export interface NewRun {
  readonly dagId: string;
  readonly runType: RunType;
  readonly intervalStart: Date;
  readonly intervalEnd: Date;
  readonly backfillId?: string | null;
  readonly conf?: JsonValue | null;
  /** Task instances created with the run, all in state `none`. */
  readonly tasks: readonly { readonly taskId: string; readonly pool: string; readonly priority: number }[];
}

export interface RunFilter {
  readonly dagId?: string;
  readonly states?: readonly RunState[];
  readonly runTypes?: readonly RunType[];
  readonly backfillId?: string;
  /** Interval starts in `[from, to)`. */
  readonly intervalFrom?: Date;
  readonly intervalTo?: Date;
  /** Default 100. */
  readonly limit?: number;
  /** By interval start; default `desc` (newest first). */
  readonly order?: 'asc' | 'desc';
}

/** One compare-and-set on a task instance. */
export interface TaskTransition {
  readonly runId: string;
  readonly taskId: string;
  readonly from: TaskState;
  readonly to: TaskState;
  /** Expected try number (fencing); omit to match any. */
  readonly tryNumber?: number;
  readonly nextAttemptAt?: Date | null;
}

/** How a try ended, written atomically with the task instance (compare-and-set on running + try number). */
export interface TryOutcome {
  readonly state: 'success' | 'failed' | 'up_for_retry' | 'up_for_reschedule' | 'skipped';
  readonly result?: JsonValue | null;
  readonly error?: TryError | null;
  /** Due time for up_for_retry / up_for_reschedule. */
  readonly nextAttemptAt?: Date | null;
  /** True when this try counts as a failure (failed or up_for_retry). */
  readonly countsAsFailure: boolean;
}

export interface StartedTry {
  readonly instance: TaskInstance;
  readonly run: DagRun;
  /** Results of the run's tasks that have one (those asked for), by task id (what `ctx.upstream()` reads). */
  readonly results: Readonly<Record<string, JsonValue>>;
}

export interface MetadataStore {
  readonly kind: 'pglite' | 'postgres';
  /** The file ledger in the same database. */
  readonly ledger: FileLedger;

  /** Apply pending migrations; returns the names applied (empty when up to date). */
  migrate(): Promise<string[]>;
  close(): Promise<void>;

  // DAGs
  /** Record loaded DAGs (spec, file, schedule); keeps `paused`; others become inactive when `deactivateMissing`. */
  syncDags(specs: readonly DagSpec[], options?: { readonly deactivateMissing?: boolean }): Promise<void>;
  listDags(): Promise<DagRecord[]>;
  getDag(dagId: string): Promise<DagRecord | undefined>;
  /** Returns false when the DAG is unknown. */
  setPaused(dagId: string, paused: boolean): Promise<boolean>;
  /** Move the scheduler's cursor forward from `from` to `to` (compare-and-set; false when another moved it). */
  advanceSchedule(dagId: string, from: Date | null, to: Date): Promise<boolean>;

  // Runs
  /** Create a run in `queued` with its task instances; undefined when (dag, interval start) already has one. */
  createRun(run: NewRun, now: Date): Promise<DagRun | undefined>;
  getRun(runId: string): Promise<DagRun | undefined>;
  listRuns(filter?: RunFilter): Promise<DagRun[]>;
  /** Runs queued or running, per DAG id. */
  countActiveRuns(): Promise<Map<string, number>>;
  /** Start the oldest queued runs of a DAG while fewer than `maxActiveRuns` run (serialized per DAG). */
  startQueuedRuns(dagId: string, maxActiveRuns: number, now: Date): Promise<DagRun[]>;
  /** Compare-and-set on the run state; sets ended_at for success/failed. */
  transitionRun(runId: string, from: readonly RunState[], to: RunState, now: Date): Promise<boolean>;
  /**
   * Reset task instances of a run to `none` so they run again (all, or the given ones), failures forgotten,
   * try numbers kept growing; the run goes back to `queued`. Returns the task ids reset.
   */
  clearTasks(runId: string, options: { readonly taskIds?: readonly string[] }, now: Date): Promise<string[]>;

  // Task instances
  listTaskInstances(runId: string): Promise<TaskInstance[]>;
  /** A run and the states of its tasks in one round trip (the scheduler's hot path); undefined when unknown. */
  loadRun(runId: string): Promise<{ run: DagRun; tasks: TaskStateRow[] } | undefined>;
  /**
   * A run with the states of only these tasks, and how many of its other tasks are not finished: what the
   * scheduler reads after a few tries of a wide run settled. Undefined when the run is unknown.
   */
  loadRunTasks(
    runId: string,
    taskIds: readonly string[],
  ): Promise<{ run: DagRun; tasks: TaskStateRow[]; unfinishedOthers: number } | undefined>;
  /** Every running run with the states of its tasks, in one round trip (the scheduler's full pass). */
  loadRunningRuns(limit?: number): Promise<{ run: DagRun; tasks: TaskStateRow[] }[]>;
  getTaskInstance(runId: string, taskId: string): Promise<TaskInstance | undefined>;
  /** Task instances in these states across running runs (oldest first), for the scheduler's scans. */
  findTaskInstances(filter: {
    readonly states: readonly TaskState[];
    readonly dueBefore?: Date;
    readonly queuedBefore?: Date;
    readonly limit?: number;
  }): Promise<TaskInstance[]>;
  /** Apply compare-and-set transitions; returns the ones that took effect. */
  transitionTasks(changes: readonly TaskTransition[], now: Date): Promise<TaskTransition[]>;
  /**
   * Move `scheduled` instances of a pool to `queued` while the pool has free slots (counted in the database,
   * serialized per pool), each with the next try number. Returns the queued instances, best first.
   */
  queueScheduled(pool: string, now: Date, limit?: number): Promise<TaskInstance[]>;
  /**
   * `transitionTasks(changes)` then `queueScheduled` for each of `pools`, in one transaction (one commit):
   * the scheduler's write after a try settles. Returns the transitions that took effect and the instances
   * queued, best first per pool.
   */
  transitionAndQueue(
    changes: readonly TaskTransition[],
    pools: readonly string[],
    now: Date,
  ): Promise<{ applied: TaskTransition[]; queued: TaskInstance[] }>;
  /** Pools that have `scheduled` instances waiting. */
  poolsWithScheduled(): Promise<string[]>;

  // Tries
  /**
   * queued -> running for exactly this try on this worker; records the try. Undefined when fenced.
   * `options.resultsOf` limits `StartedTry.results` to these tasks (the task runner passes the task's
   * ancestors; empty = none); without it, every task of the run that has a result.
   */
  startTry(
    key: TryKey,
    workerId: string,
    now: Date,
    options?: { readonly resultsOf?: readonly string[] },
  ): Promise<StartedTry | undefined>;
  /** running -> outcome for exactly this try; false when the try lost its lease (nothing written). */
  finishTry(key: TryKey, outcome: TryOutcome, now: Date): Promise<boolean>;
  listTries(runId: string, taskId?: string): Promise<TaskTry[]>;
  /** Running tries with their worker's record (null when the worker never registered). */
  listRunningTries(): Promise<RunningTry[]>;

  // Logs
  appendLogs(key: TryKey, lines: readonly LogLine[]): Promise<void>;
  /** Lines of one try, or of the latest try when `tryNumber` is omitted. */
  readLogs(runId: string, taskId: string, tryNumber?: number): Promise<LogLine[]>;

  // Pools
  /** Create missing pools; existing ones keep their slots unless `overwrite`. Returns names created. */
  ensurePools(
    pools: readonly { readonly name: string; readonly slots: number; readonly description?: string }[],
    options?: { readonly overwrite?: boolean },
  ): Promise<string[]>;
  listPools(): Promise<Pool[]>;

  // Workers
  registerWorker(worker: Omit<WorkerRecord, 'stoppedAt' | 'lastHeartbeatAt'>, now: Date): Promise<void>;
  heartbeat(workerId: string, now: Date): Promise<void>;
  stopWorker(workerId: string, now: Date): Promise<void>;
  listWorkers(): Promise<WorkerRecord[]>;
}
