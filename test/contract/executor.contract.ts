/**
 * The contract of the Executor port (src/ports/executor.ts), run against every executor: `local` and
 * `bullmq` pass the same suite. An executor is opened with a task handler and a concurrency, as the
 * composition root does for in-process execution; the suite drives it only through the port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor, TaskDispatch, TaskHandler, TaskSettled } from '../../src/ports/executor.ts';

export interface ExecutorUnderTest {
  readonly executor: Executor;
  /** Runs after `executor.close()`: checks that nothing leaked (connections, keys) and cleans up. */
  readonly afterClose?: () => Promise<void>;
}

/** Opens a fresh executor (own namespace) whose tries run `handler`, at most `concurrency` at once. */
export type OpenExecutor = (options: {
  handler: TaskHandler;
  concurrency: number;
}) => Promise<ExecutorUnderTest>;

const RUN_ID = 'contract_dag__20260101T0000Z';

/** A dispatch of task `t<n>`, try 1, in the `default` pool. */
export function dispatchOf(n: number, extra: Partial<TaskDispatch> = {}): TaskDispatch {
  const tryNumber = extra.tryNumber ?? 1;
  return {
    dispatchId: `${RUN_ID}__t${n}__try${tryNumber}`,
    runId: RUN_ID,
    dagId: 'contract_dag',
    taskId: `t${n}`,
    tryNumber,
    pool: 'default',
    ...extra,
  };
}

/** Poll `predicate` every 5 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** What the handler saw: every call, in order, with the events around it. */
class Recorder {
  readonly calls: TaskDispatch[] = [];
  readonly log: string[] = [];
  readonly aborted: string[] = [];
  readonly abortReasons: unknown[] = [];
  readonly startedAt = new Map<string, number>();
  running = 0;
  maxRunning = 0;
  /** When set, each try waits on this gate (or its abort signal) before finishing. */
  hold: Gate | undefined;
  /** Try ids that throw instead of finishing. */
  readonly failing = new Set<string>();

  readonly handler: TaskHandler = async (dispatch, signal) => {
    this.calls.push(dispatch);
    this.startedAt.set(dispatch.dispatchId, Date.now());
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.log.push(`start ${dispatch.taskId}`);
    try {
      if (this.hold) {
        const held = this.hold.promise;
        await new Promise<void>((resolve) => {
          if (signal.aborted) return resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
          void held.then(resolve);
        });
      }
      if (signal.aborted) {
        this.aborted.push(dispatch.taskId);
        this.abortReasons.push(signal.reason);
        throw signal.reason ?? new Error('aborted');
      }
      if (this.failing.has(dispatch.taskId)) throw new Error(`task ${dispatch.taskId} fails on purpose`);
    } finally {
      this.running -= 1;
      this.log.push(`end ${dispatch.taskId}`);
    }
  };
}

/**
 * Known departures from the contract, each reported to the implementation's owner: such a test is skipped
 * for that implementation (and listed in the run as skipped) until it is fixed.
 */
export type ContractGap = 'redispatch-after-settle';

/** Register the executor contract for one implementation. */
export function describeExecutorContract(
  name: string,
  open: OpenExecutor,
  gaps: readonly ContractGap[] = [],
): void {
  describe(`Executor contract: ${name}`, () => {
    let opened: ExecutorUnderTest | undefined;
    let closed = false;

    async function start(
      concurrency = 4,
    ): Promise<{ executor: Executor; rec: Recorder; settled: TaskSettled[] }> {
      const rec = new Recorder();
      opened = await open({ handler: rec.handler, concurrency });
      closed = false;
      const settled: TaskSettled[] = [];
      opened.executor.onSettled((event) => {
        settled.push(event);
        rec.log.push(`settled ${event.taskId}`);
      });
      return { executor: opened.executor, rec, settled };
    }

    async function stop(deadlineMs = 5_000): Promise<void> {
      if (!opened || closed) return;
      closed = true;
      await opened.executor.close(deadlineMs);
      await opened.afterClose?.();
    }

    afterEach(async () => {
      await stop(0);
      opened = undefined;
    });

    it('runs a dispatched try once, with its identity, and reports it settled', async () => {
      const { executor, rec, settled } = await start();
      const task = dispatchOf(1);
      await executor.dispatch(task);
      await waitFor('the settle event', () => settled.length === 1);
      expect(rec.calls).toHaveLength(1);
      const call = rec.calls[0]!;
      expect({ ...call, notBefore: undefined }).toEqual({ ...task, notBefore: undefined });
      expect(settled[0]).toEqual({
        dispatchId: task.dispatchId,
        runId: task.runId,
        taskId: 't1',
        tryNumber: 1,
      });
      expect(executor.kind).toBe(name);
    });

    it('runs a dispatch id once however often it is dispatched while in flight', async () => {
      const { executor, rec, settled } = await start();
      rec.hold = gate();
      const task = dispatchOf(1);
      await Promise.all([executor.dispatch(task), executor.dispatch(task), executor.dispatch(task)]);
      await waitFor('the try to start', () => rec.running === 1);
      await executor.dispatch(task); // while it runs
      rec.hold.open();
      await waitFor('the settle event', () => settled.length >= 1);
      const retry = dispatchOf(1, { tryNumber: 2 });
      await executor.dispatch(retry);
      await waitFor('the retry to settle', () => settled.some((s) => s.dispatchId === retry.dispatchId));
      await sleep(100);
      expect(rec.calls.map((c) => c.dispatchId)).toEqual([task.dispatchId, retry.dispatchId]);
      expect(settled.map((s) => s.tryNumber)).toEqual([1, 2]);
    });

    it.skipIf(gaps.includes('redispatch-after-settle'))(
      'does not run a dispatch id again when it is dispatched after it settled',
      async () => {
        const { executor, rec, settled } = await start();
        const task = dispatchOf(1);
        await executor.dispatch(task);
        await waitFor('the settle event', () => settled.length === 1);
        // A scheduler that restarted re-dispatches every try it still sees queued.
        await executor.dispatch(task);
        await executor.dispatch(dispatchOf(2));
        await waitFor('the next try to settle', () => settled.some((s) => s.taskId === 't2'));
        await sleep(100);
        expect(rec.calls.map((c) => c.taskId)).toEqual(['t1', 't2']);
      },
    );

    it('does not start a try before its notBefore', async () => {
      const { executor, rec, settled } = await start();
      const notBefore = new Date(Date.now() + 400);
      const later = dispatchOf(1, { notBefore });
      await executor.dispatch(later);
      await executor.dispatch(dispatchOf(2));
      await waitFor('both tries to settle', () => settled.length === 2);
      expect(rec.calls.map((c) => c.taskId)).toEqual(['t2', 't1']);
      expect(rec.startedAt.get(later.dispatchId)!).toBeGreaterThanOrEqual(notBefore.getTime());
      expect(rec.calls[1]!.notBefore?.getTime()).toBe(notBefore.getTime());
    });

    it('runs at most `concurrency` tries at once, and uses all of them', async () => {
      const { executor, rec, settled } = await start(2);
      rec.hold = gate();
      for (let n = 1; n <= 6; n++) await executor.dispatch(dispatchOf(n));
      await waitFor('two tries running', () => rec.running === 2);
      await sleep(200); // room for a third to start if the limit were broken
      expect(rec.running).toBe(2);
      expect(await executor.inFlight()).toBe(6);
      rec.hold.open();
      await waitFor('all six to settle', () => settled.length === 6);
      expect(rec.maxRunning).toBe(2);
      expect(rec.calls).toHaveLength(6);
    });

    it('fires onSettled only after the handler has finished, and stops after unsubscribing', async () => {
      const { executor, rec, settled } = await start();
      const seen: TaskSettled[] = [];
      const unsubscribe = executor.onSettled((event) => seen.push(event));
      rec.hold = gate();
      await executor.dispatch(dispatchOf(1));
      await waitFor('the try to start', () => rec.running === 1);
      await sleep(50);
      expect(settled).toEqual([]);
      rec.hold.open();
      await waitFor('the settle event', () => settled.length === 1);
      expect(rec.log).toEqual(['start t1', 'end t1', 'settled t1']);
      expect(seen).toHaveLength(1);
      unsubscribe();
      await executor.dispatch(dispatchOf(2));
      await waitFor('the second settle event', () => settled.length === 2);
      expect(seen).toHaveLength(1);
    });

    it('keeps going after a handler throws, and still reports that try settled', async () => {
      const { executor, rec, settled } = await start();
      rec.failing.add('t1');
      await executor.dispatch(dispatchOf(1));
      await waitFor('the failed try to settle', () => settled.length === 1);
      await executor.dispatch(dispatchOf(2));
      await waitFor('the next try to settle', () => settled.length === 2);
      expect(rec.calls.map((c) => c.taskId)).toEqual(['t1', 't2']);
      expect(settled.map((s) => s.taskId)).toEqual(['t1', 't2']);
    });

    it('runs a try again when the lost-dispatch sweep hands it over after its handler threw', async () => {
      const { executor, rec, settled } = await start();
      rec.failing.add('t1');
      const task = dispatchOf(1);
      await executor.dispatch(task);
      await waitFor('the failed try to settle', () => settled.length === 1);
      // The handler could not record the try, so the metadata DB still has it queued; the sweep redelivers it.
      rec.failing.delete('t1');
      await executor.dispatch({ ...task, redelivery: true });
      await waitFor('the redelivered try to settle', () => settled.length === 2);
      await sleep(100);
      expect(rec.calls.map((c) => c.dispatchId)).toEqual([task.dispatchId, task.dispatchId]);
      expect(settled.map((s) => s.taskId)).toEqual(['t1', 't1']);
    });

    it('counts tries in flight until they settle', async () => {
      const { executor, rec, settled } = await start(2);
      expect(await executor.inFlight()).toBe(0);
      rec.hold = gate();
      for (let n = 1; n <= 3; n++) await executor.dispatch(dispatchOf(n));
      await executor.dispatch(dispatchOf(4, { notBefore: new Date(Date.now() + 60_000) }));
      await waitFor('two running', () => rec.running === 2);
      expect(await executor.inFlight()).toBe(4);
      rec.hold.open();
      await waitFor('three settled', () => settled.length === 3);
      await waitFor('one left in flight (the delayed try)', async () => (await executor.inFlight()) === 1);
    });

    it('close() lets running tries finish within the deadline', async () => {
      const { executor, rec } = await start();
      rec.hold = gate();
      await executor.dispatch(dispatchOf(1));
      await waitFor('the try to start', () => rec.running === 1);
      const hold = rec.hold;
      setTimeout(() => hold.open(), 150);
      await stop(10_000);
      expect(rec.log).toContain('end t1');
      expect(rec.aborted).toEqual([]);
    });

    it('close() aborts running tries through their signal once the deadline passes', async () => {
      const { executor, rec } = await start();
      rec.hold = gate(); // never opened: only the abort ends the try
      await executor.dispatch(dispatchOf(1));
      await executor.dispatch(dispatchOf(2));
      await waitFor('both tries to start', () => rec.running === 2);
      await stop(200);
      expect(rec.aborted.sort()).toEqual(['t1', 't2']);
      expect(rec.running).toBe(0);
      // The reason says why, so the task runner can hand the try back instead of failing it.
      expect(String((rec.abortReasons[0] as Error)?.message ?? rec.abortReasons[0])).toMatch(
        /shut ?down|clos/i,
      );
    });

    it('runs nothing dispatched after close() (the dispatch may reject or be dropped)', async () => {
      const { executor, rec } = await start();
      await stop();
      await executor.dispatch(dispatchOf(1)).catch(() => {});
      await sleep(100);
      expect(rec.calls).toEqual([]);
    });
  });
}
