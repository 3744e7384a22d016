/**
 * Trigger rules, with Airflow's semantics: given the states of a task's direct upstream tasks, may it run,
 * must it wait, or is it resolved without running (`skipped` / `upstream_failed`)?
 */
import type { TriggerRule } from './dag/dag-definition.ts';
import type { TaskState } from './task-state.ts';

export type TriggerDecision = 'run' | 'wait' | 'skipped' | 'upstream_failed';

export const TRIGGER_RULES: readonly TriggerRule[] = [
  'all_success',
  'all_done',
  'none_failed',
  'one_success',
  'one_failed',
  'none_failed_min_one_success',
];

/**
 * Decide a waiting task's fate from its upstream states. A task without upstream runs.
 *
 * @example evaluateTriggerRule('all_success', ['success', 'skipped']) // 'skipped'
 */
export function evaluateTriggerRule(rule: TriggerRule, upstream: readonly TaskState[]): TriggerDecision {
  const total = upstream.length;
  if (total === 0) return 'run';
  let success = 0;
  let skipped = 0;
  let failed = 0;
  for (const s of upstream) {
    if (s === 'success') success++;
    else if (s === 'skipped') skipped++;
    else if (s === 'failed' || s === 'upstream_failed') failed++;
  }
  const done = success + skipped + failed;
  const allDone = done === total;

  switch (rule) {
    case 'all_success':
      if (failed > 0) return 'upstream_failed';
      if (skipped > 0) return 'skipped';
      return success === total ? 'run' : 'wait';
    case 'all_done':
      return allDone ? 'run' : 'wait';
    case 'none_failed':
      if (failed > 0) return 'upstream_failed';
      return allDone ? 'run' : 'wait';
    case 'none_failed_min_one_success':
      if (failed > 0) return 'upstream_failed';
      if (!allDone) return 'wait';
      return success > 0 ? 'run' : 'skipped';
    case 'one_success':
      if (success > 0) return 'run';
      if (!allDone) return 'wait';
      return skipped === total ? 'skipped' : 'upstream_failed';
    case 'one_failed':
      if (failed > 0) return 'run';
      return allDone ? 'skipped' : 'wait';
  }
}
