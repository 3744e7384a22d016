/**
 * What authors write in `dags/<dag_id>.ts` (through `defineDag`): declarative, serializable, unvalidated.
 * `compileDag` turns it into a `DagSpec` or a list of problems.
 */
import type { Duration } from '../duration.ts';

/** When a task may run, given its upstream states (Airflow's names and semantics). */
export type TriggerRule =
  | 'all_success'
  | 'all_done'
  | 'none_failed'
  | 'one_success'
  | 'one_failed'
  | 'none_failed_min_one_success';

/** A JSON value, as task params and results are stored. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Options every task has; `defaults` on the DAG sets them for all tasks. */
export interface TaskOptions {
  /** Extra tries after the first failure (default 0). */
  readonly retries?: number;
  /** Wait before a retry (default `'1m'`). */
  readonly retryDelay?: Duration;
  /** Double the delay after each failure (default false), capped by `maxRetryDelay`. */
  readonly retryExponentialBackoff?: boolean;
  /** Upper bound of the retry delay (default `'1h'`). */
  readonly maxRetryDelay?: Duration;
  /** Execution timeout of one try; the job's `ctx.signal` aborts (default `'1h'`). */
  readonly timeout?: Duration;
  /** Pool whose slots the task uses while queued or running (default `'default'`). */
  readonly pool?: string;
}

/** Reschedule-mode sensor: the job returns `reschedule()` until satisfied; no slot is held while waiting. */
export interface SensorOptions {
  /** Wait between pokes (default `'1m'`). */
  readonly pokeInterval?: Duration;
  /** Give up after this long since the first poke (default `'1h'`). */
  readonly timeout?: Duration;
  /** On timeout end `skipped` instead of `failed` (default false). */
  readonly softFail?: boolean;
}

export interface TaskDefinition extends TaskOptions {
  /** Name of the job: the file `jobs/<job>.ts`. */
  readonly job: string;
  readonly description?: string;
  readonly upstream?: readonly string[];
  readonly triggerRule?: TriggerRule;
  /** JSON params, validated by the job's zod schema when the task runs. */
  readonly params?: Readonly<Record<string, JsonValue>>;
  readonly sensor?: SensorOptions;
}

export interface DagDefinition {
  readonly description?: string;
  /** 5-field cron in UTC, or `null` for manual/backfill only. */
  readonly schedule: string | null;
  /** First data interval starts at the first schedule time at or after this instant (ISO string or Date). */
  readonly startDate: string | Date;
  /** No interval starts at or after this instant. */
  readonly endDate?: string | Date | null;
  /** Create runs for every missed interval (true) or only the latest (false, default). */
  readonly catchup?: boolean;
  /** Runs of this DAG queued or running at once (default 1). */
  readonly maxActiveRuns?: number;
  readonly tags?: readonly string[];
  readonly defaults?: TaskOptions;
  readonly tasks: Readonly<Record<string, TaskDefinition>>;
}
