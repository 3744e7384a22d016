/**
 * The local executor beyond the shared contract: how long it remembers settled dispatch ids, and that a try
 * whose handler threw (it could not reach the metadata DB) can be handed over again.
 */
import { describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../src/adapters/executor/local/local-executor.ts';
import type { TaskDispatch, TaskSettled } from '../../src/ports/executor.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { waitFor } from './wait-for.ts';

function dispatchOf(n: number): TaskDispatch {
  return {
    dispatchId: `d__20260101T0000Z__t${n}__try1`,
    runId: 'd__20260101T0000Z',
    dagId: 'd',
    taskId: `t${n}`,
    tryNumber: 1,
    pool: 'default',
  };
}

describe('local executor', () => {
  it('remembers the last `rememberSettled` settled dispatch ids, the oldest forgotten first', async () => {
    const calls: string[] = [];
    const settled: TaskSettled[] = [];
    const executor = createLocalExecutor({
      handler: async (d) => {
        calls.push(d.taskId);
      },
      clock: systemClock,
      rememberSettled: 2,
    });
    executor.onSettled((e) => settled.push(e));
    try {
      for (const n of [1, 2, 3]) {
        await executor.dispatch(dispatchOf(n));
        await waitFor(() => settled.length === n || undefined, { what: `t${n} to settle` });
      }
      // t2 and t3 are remembered: no-ops. t1 fell out of the window: it runs again.
      await executor.dispatch(dispatchOf(2));
      await executor.dispatch(dispatchOf(3));
      await executor.dispatch(dispatchOf(1));
      await waitFor(() => settled.length === 4 || undefined, { what: 't1 to settle again' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).toEqual(['t1', 't2', 't3', 't1']);
    } finally {
      await executor.close(1_000);
    }
  });

  it('lets a try whose handler threw be dispatched again', async () => {
    let attempts = 0;
    const settled: TaskSettled[] = [];
    const executor = createLocalExecutor({
      handler: async () => {
        attempts++;
        if (attempts === 1) throw new Error('metadata DB unreachable');
      },
      clock: systemClock,
    });
    executor.onSettled((e) => settled.push(e));
    try {
      await executor.dispatch(dispatchOf(1));
      await waitFor(() => settled.length === 1 || undefined, { what: 'the failed handler to settle' });
      await executor.dispatch(dispatchOf(1));
      await waitFor(() => settled.length === 2 || undefined, { what: 'the second handler to settle' });
      await executor.dispatch(dispatchOf(1)); // now settled normally: a no-op
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(attempts).toBe(2);
      expect(await executor.inFlight()).toBe(0);
    } finally {
      await executor.close(1_000);
    }
  });
});
