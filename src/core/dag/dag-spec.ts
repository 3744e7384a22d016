/**
 * A validated DAG, with every default applied and durations in milliseconds. The scheduler works only from
 * specs (never from job code); specs are JSON-serializable apart from the two Dates.
 */
import type { JsonValue, TriggerRule } from './dag-definition.ts';

export interface SensorSpec {
  readonly pokeIntervalMs: number;
  readonly timeoutMs: number;
  readonly softFail: boolean;
}

export interface TaskSpec {
  readonly id: string;
  readonly job: string;
  readonly description: string;
  readonly upstream: readonly string[];
  readonly downstream: readonly string[];
  readonly triggerRule: TriggerRule;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly retryExponentialBackoff: boolean;
  readonly maxRetryDelayMs: number;
  readonly timeoutMs: number;
  readonly pool: string;
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly sensor: SensorSpec | null;
  /** Position in a topological order (lower runs first when slots are scarce). */
  readonly order: number;
}

export interface DagSpec {
  readonly id: string;
  /** The file it came from, relative to the project dir, e.g. `dags/orders.ts`. */
  readonly file: string;
  readonly description: string;
  readonly schedule: string | null;
  readonly startDate: Date;
  readonly endDate: Date | null;
  readonly catchup: boolean;
  readonly maxActiveRuns: number;
  readonly tags: readonly string[];
  /** Tasks in topological order. */
  readonly tasks: readonly TaskSpec[];
}

/** The task of a spec by id, or undefined. */
export function findTask(spec: DagSpec, taskId: string): TaskSpec | undefined {
  return spec.tasks.find((t) => t.id === taskId);
}
