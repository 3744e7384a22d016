/**
 * A DAG run's state from its task instances, like Airflow: running until every task is finished, then
 * failed when a leaf task failed or is upstream_failed, else success.
 */
import type { DagSpec } from './dag/dag-spec.ts';
import { isFinished, type TaskState } from './task-state.ts';

export const RUN_STATES = ['queued', 'running', 'success', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const RUN_TYPES = ['scheduled', 'manual', 'backfill'] as const;
export type RunType = (typeof RUN_TYPES)[number];

/**
 * `running`, `success` or `failed` for a run whose task states are `states` (by task id).
 *
 * @example evaluateRunState(spec, new Map([['a', 'success']])) // 'success'
 */
export function evaluateRunState(
  spec: Pick<DagSpec, 'tasks'>,
  states: ReadonlyMap<string, TaskState>,
): 'running' | 'success' | 'failed' {
  let leafFailed = false;
  for (const task of spec.tasks) {
    const state = states.get(task.id) ?? 'none';
    if (!isFinished(state)) return 'running';
    if (task.downstream.length === 0 && (state === 'failed' || state === 'upstream_failed'))
      leafFailed = true;
  }
  return leafFailed ? 'failed' : 'success';
}

/** True for a known run state name. */
export function isRunState(value: string): value is RunState {
  return (RUN_STATES as readonly string[]).includes(value);
}
