/**
 * The task-instance state machine, in one place. States follow Airflow; `none` is Airflow's "no status yet"
 * (created with the run, dependencies not evaluated). Every write in the metadata store is a compare-and-set
 * from a state this module allows.
 */

export const TASK_STATES = [
  'none',
  'scheduled',
  'queued',
  'running',
  'success',
  'failed',
  'up_for_retry',
  'up_for_reschedule',
  'skipped',
  'upstream_failed',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

/** States a task never leaves on its own (only a clear moves it back to `none`). */
export const FINISHED_STATES: ReadonlySet<TaskState> = new Set([
  'success',
  'failed',
  'skipped',
  'upstream_failed',
]);

/** States that hold a pool slot. */
export const SLOT_STATES: readonly TaskState[] = ['queued', 'running'];

const TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  // Dependencies met -> scheduled; or resolved without running by the trigger rule.
  none: ['scheduled', 'skipped', 'upstream_failed'],
  // Handed to the executor once a pool slot is free.
  scheduled: ['queued', 'none'],
  // A worker took it; or it can never start (its DAG or task vanished).
  queued: ['running', 'failed', 'none'],
  // The try's outcome; a zombie (dead worker) ends as up_for_retry or failed.
  running: ['success', 'failed', 'up_for_retry', 'up_for_reschedule', 'skipped'],
  // Delay over -> scheduled again (a new try).
  up_for_retry: ['scheduled', 'none'],
  // Poke interval over -> scheduled again; sensor timeout between pokes -> skipped/failed.
  up_for_reschedule: ['scheduled', 'skipped', 'failed', 'none'],
  success: ['none'],
  failed: ['none'],
  skipped: ['none'],
  upstream_failed: ['none'],
};

/** True when the machine allows `from -> to`. */
export function canTransition(from: TaskState, to: TaskState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States from which `to` may be reached (the `expected` side of a compare-and-set). */
export function statesLeadingTo(to: TaskState): TaskState[] {
  return TASK_STATES.filter((from) => canTransition(from, to));
}

/** Throws when `from -> to` is not a transition of the machine. */
export function assertTransition(from: TaskState, to: TaskState): void {
  if (!canTransition(from, to)) throw new Error(`illegal task state transition ${from} -> ${to}`);
}

/** True for success, failed, skipped, upstream_failed. */
export function isFinished(state: TaskState): boolean {
  return FINISHED_STATES.has(state);
}

/** True for a known state name (input from the API or the CLI). */
export function isTaskState(value: string): value is TaskState {
  return (TASK_STATES as readonly string[]).includes(value);
}
