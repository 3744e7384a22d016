import { describe, expect, it } from 'vitest';
import type { TaskState } from '../../../src/core/task-state.ts';
import { evaluateTriggerRule } from '../../../src/core/trigger-rule.ts';

type Case = [string, TaskState[], string];

describe('evaluateTriggerRule (Airflow semantics)', () => {
  it('runs a task without upstream', () => {
    expect(evaluateTriggerRule('all_success', [])).toBe('run');
  });

  const cases: Record<string, Case[]> = {
    all_success: [
      ['all succeeded', ['success', 'success'], 'run'],
      ['one still running', ['success', 'running'], 'wait'],
      ['a failure, even with others running', ['failed', 'running'], 'upstream_failed'],
      ['upstream_failed propagates', ['upstream_failed', 'success'], 'upstream_failed'],
      ['a skip propagates', ['skipped', 'success'], 'skipped'],
      ['failure wins over skip', ['skipped', 'failed'], 'upstream_failed'],
    ],
    all_done: [
      ['all finished whatever the outcome', ['failed', 'skipped', 'upstream_failed', 'success'], 'run'],
      ['waits for a retry', ['failed', 'up_for_retry'], 'wait'],
    ],
    none_failed: [
      ['all skipped still runs', ['skipped', 'skipped'], 'run'],
      ['a failure', ['success', 'failed'], 'upstream_failed'],
      ['waits', ['success', 'queued'], 'wait'],
    ],
    none_failed_min_one_success: [
      ['all skipped -> skipped', ['skipped', 'skipped'], 'skipped'],
      ['one success', ['skipped', 'success'], 'run'],
      ['a failure', ['skipped', 'upstream_failed'], 'upstream_failed'],
      ['waits', ['success', 'scheduled'], 'wait'],
    ],
    one_success: [
      ['first success runs at once', ['success', 'running'], 'run'],
      ['all skipped -> skipped', ['skipped', 'skipped'], 'skipped'],
      ['done without success -> upstream_failed', ['failed', 'skipped'], 'upstream_failed'],
      ['waits', ['failed', 'running'], 'wait'],
    ],
    one_failed: [
      ['first failure runs at once', ['failed', 'running'], 'run'],
      ['done without failure -> skipped', ['success', 'skipped'], 'skipped'],
      ['waits', ['success', 'running'], 'wait'],
    ],
  };
  for (const [rule, rows] of Object.entries(cases)) {
    it.each(rows)(`${rule}: %s`, (_name, upstream, expected) => {
      expect(evaluateTriggerRule(rule as never, upstream)).toBe(expected);
    });
  }
});
