import { describe, expect, it } from 'vitest';
import { dispatchIdFor, runIdFor } from '../../../src/core/ids.ts';
import { decideAfterFailure, retryDelayMs } from '../../../src/core/retry-policy.ts';
import { evaluateRunState } from '../../../src/core/run-state.ts';
import { canTransition, statesLeadingTo } from '../../../src/core/task-state.ts';

const now = new Date('2026-01-01T00:00:00Z');

describe('retry policy', () => {
  const fixed = {
    retries: 2,
    retryDelayMs: 300_000,
    retryExponentialBackoff: false,
    maxRetryDelayMs: 3_600_000,
  };
  const expo = { retries: 5, retryDelayMs: 1000, retryExponentialBackoff: true, maxRetryDelayMs: 5000 };

  it('uses a fixed delay, then gives up after the retries', () => {
    expect(decideAfterFailure(fixed, { failures: 1, nonRetryable: false, now })).toEqual({
      state: 'up_for_retry',
      delayMs: 300_000,
      retryAt: new Date('2026-01-01T00:05:00Z'),
    });
    expect(decideAfterFailure(fixed, { failures: 2, nonRetryable: false, now }).state).toBe('up_for_retry');
    expect(decideAfterFailure(fixed, { failures: 3, nonRetryable: false, now })).toEqual({ state: 'failed' });
  });

  it('doubles exponential delays up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(expo, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('never retries a non-retryable error', () => {
    expect(decideAfterFailure(fixed, { failures: 1, nonRetryable: true, now })).toEqual({ state: 'failed' });
  });
});

describe('task state machine', () => {
  it('allows the lifecycle and forbids shortcuts', () => {
    expect(canTransition('none', 'scheduled')).toBe(true);
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'up_for_retry')).toBe(true);
    expect(canTransition('success', 'running')).toBe(false);
    expect(canTransition('none', 'running')).toBe(false);
    expect(canTransition('up_for_retry', 'running')).toBe(false);
    expect(statesLeadingTo('scheduled').sort()).toEqual(['none', 'up_for_reschedule', 'up_for_retry']);
  });
});

describe('run state', () => {
  const spec = {
    tasks: [
      { id: 'a', downstream: ['b', 'c'] },
      { id: 'b', downstream: [] },
      { id: 'c', downstream: [] },
    ],
  } as never;
  it('is running until every task finished, then follows the leaves', () => {
    expect(evaluateRunState(spec, new Map([['a', 'success']]))).toBe('running');
    expect(
      evaluateRunState(
        spec,
        new Map([
          ['a', 'failed'],
          ['b', 'upstream_failed'],
          ['c', 'upstream_failed'],
        ]),
      ),
    ).toBe('failed');
    expect(
      evaluateRunState(
        spec,
        new Map([
          ['a', 'success'],
          ['b', 'skipped'],
          ['c', 'success'],
        ]),
      ),
    ).toBe('success');
  });
});

describe('ids', () => {
  it('are deterministic', () => {
    const runId = runIdFor('order_processing_incremental', new Date('2026-01-01T10:15:00Z'));
    expect(runId).toBe('order_processing_incremental__20260101T1015Z');
    expect(dispatchIdFor(runId, 'load', 3)).toBe('order_processing_incremental__20260101T1015Z__load__try3');
  });
});
