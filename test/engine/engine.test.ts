/**
 * The engine end to end on PGlite with a fake clock: dependency order, retries with their delays, trigger
 * rules, sensors, results between tasks, per-try logs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskInstance } from '../../src/ports/metadata-store.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { FakeClock } from './fake-clock.ts';
import { createHarness, type Harness } from './harness.ts';
import { waitFor } from './wait-for.ts';

const T0 = '2026-01-01T10:07:00Z';
const MIN = 60_000;

describe('engine (PGlite, fake clock)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  async function states(runId: string) {
    const tis = await h!.store.listTaskInstances(runId);
    return Object.fromEntries(tis.map((ti: TaskInstance) => [ti.taskId, ti.state]));
  }

  async function finished(runId: string) {
    return waitFor(
      async () => {
        const run = await h!.store.getRun(runId);
        return run && (run.state === 'success' || run.state === 'failed') ? run : undefined;
      },
      { what: `run ${runId} to finish` },
    );
  }

  it('runs a diamond in dependency order and passes results downstream', async () => {
    const clock = new FakeClock(T0);
    h = await createHarness({ clock });
    await h.engine.start();
    const run = await triggerRun(h.store, h.dags, { dagId: 'diamond', now: clock.now() });
    h.engine.scheduler.notify();
    expect((await finished(run.runId)).state).toBe('success');

    const tries = await h.store.listTries(run.runId);
    const by = Object.fromEntries(tries.map((t) => [t.taskId, t]));
    expect(tries.map((t) => [t.taskId, t.tryNumber, t.state])).toEqual([
      ['a', 1, 'success'],
      ['b', 1, 'success'],
      ['c', 1, 'success'],
      ['d', 1, 'success'],
    ]);
    // With a frozen clock the timestamps tie; the order is proven by the sequence of starts and ends.
    const order = await h.store.listTaskInstances(run.runId);
    expect(order.every((ti) => ti.tryNumber === 1)).toBe(true);
    expect(by.d!.result).toEqual({ seen: ['b', 'c'], factor: 1, missing: null });
    const logs = await h.store.readLogs(run.runId, 'b');
    expect(logs.map((l) => l.message)).toEqual(['noop b try 1']);
    expect(logs[0]!.fields).toEqual({ interval: '2026-01-01T10:07:00.000Z' });
  });

  it('starts a downstream task only after all its upstream tasks succeeded', async () => {
    const clock = new FakeClock(T0);
    h = await createHarness({ clock, concurrency: 1 });
    // Record the order in which tries start and end, as the store sees them.
    const events: string[] = [];
    const store = h.store;
    const start = store.startTry.bind(store);
    const finish = store.finishTry.bind(store);
    store.startTry = async (key, w, now) => {
      const r = await start(key, w, now);
      if (r) events.push(`start ${key.taskId}`);
      return r;
    };
    store.finishTry = async (key, o, now) => {
      const r = await finish(key, o, now);
      if (r) events.push(`end ${key.taskId}`);
      return r;
    };
    await h.engine.start();
    const run = await triggerRun(store, h.dags, { dagId: 'diamond', now: clock.now() });
    h.engine.scheduler.notify();
    await finished(run.runId);
    expect(events.slice(0, 2)).toEqual(['start a', 'end a']);
    expect(events.slice(-2)).toEqual(['start d', 'end d']);
    expect(events.slice(2, 6).sort()).toEqual(['end b', 'end c', 'start b', 'start c']);
  });

  it('retries a failing task twice with the configured delay, then fails the run and d is upstream_failed', async () => {
    const clock = new FakeClock(T0);
    h = await createHarness({ clock });
    await h.engine.start();
    const run = await triggerRun(h.store, h.dags, { dagId: 'retry_diamond', now: clock.now() });
    h.engine.scheduler.notify();

    for (const tryNumber of [1, 2]) {
      const ti = await waitFor(
        async () => {
          const t = await h!.store.getTaskInstance(run.runId, 'b');
          return t?.state === 'up_for_retry' && t.tryNumber === tryNumber ? t : undefined;
        },
        { what: `b up_for_retry after try ${tryNumber}` },
      );
      expect(ti.nextAttemptAt!.getTime() - ti.endedAt!.getTime()).toBe(5 * MIN);
      // One minute short of the delay nothing happens...
      clock.advance(4 * MIN);
      await h.engine.scheduler.tick();
      expect((await h.store.getTaskInstance(run.runId, 'b'))!.state).toBe('up_for_retry');
      // ...at the delay the next try starts.
      clock.advance(1 * MIN);
    }
    const done = await finished(run.runId);
    expect(done.state).toBe('failed');
    expect(await states(run.runId)).toEqual({
      a: 'success',
      b: 'failed',
      c: 'success',
      d: 'upstream_failed',
    });
    const tries = await h.store.listTries(run.runId, 'b');
    expect(tries.map((t) => [t.tryNumber, t.state, t.error?.message])).toEqual([
      [1, 'up_for_retry', 'boom on try 1'],
      [2, 'up_for_retry', 'boom on try 2'],
      [3, 'failed', 'boom on try 3'],
    ]);
    expect(tries[1]!.startedAt.getTime() - tries[0]!.endedAt!.getTime()).toBe(5 * MIN);
    expect(tries[2]!.startedAt.getTime() - tries[1]!.endedAt!.getTime()).toBe(5 * MIN);
    expect(tries[0]!.error?.stack).toMatch(/boom on try 1\n\s+at /);
    expect((await h.store.readLogs(run.runId, 'b', 2)).map((l) => [l.level, l.message])).toEqual([
      ['warn', 'about to fail on try 2'],
      ['error', 'try 2 failed: boom on try 2'],
    ]);
  });

  it('follows trigger rules for skips and non-retryable failures', async () => {
    const clock = new FakeClock(T0);
    h = await createHarness({ clock });
    await h.engine.start();
    const run = await triggerRun(h.store, h.dags, { dagId: 'rules', now: clock.now() });
    h.engine.scheduler.notify();
    const done = await finished(run.runId);
    expect(await states(run.runId)).toEqual({
      start: 'success',
      skipper: 'skipped',
      after_skip: 'skipped',
      none_failed: 'success',
      rejecter: 'failed',
      on_failure: 'success',
      one_success: 'success',
      always: 'success',
    });
    // Leaves: after_skip (skipped), none_failed, on_failure, one_success succeeded -> the run succeeds.
    expect(done.state).toBe('success');
    const rejecter = await h.store.listTries(run.runId, 'rejecter');
    expect(rejecter.map((t) => [t.tryNumber, t.state, t.error?.code])).toEqual([
      [1, 'failed', 'E_NON_RETRYABLE'],
    ]);
  });

  it('ends a soft-fail sensor skipped after its timeout, skips downstream, and the run succeeds', async () => {
    const clock = new FakeClock(T0);
    h = await createHarness({ clock });
    await h.engine.start();
    const run = await triggerRun(h.store, h.dags, { dagId: 'soft_sensor', now: clock.now() });
    h.engine.scheduler.notify();
    for (let poke = 1; poke <= 4; poke++) {
      await waitFor(
        async () => {
          const t = await h!.store.getTaskInstance(run.runId, 'sense');
          return t?.state === 'up_for_reschedule' && t.tryNumber === poke;
        },
        { what: `poke ${poke}` },
      );
      // No slot is held while waiting.
      expect((await h.store.listPools()).find((p) => p.name === 'default')!.occupied).toBe(0);
      clock.advance(30_000);
    }
    const done = await finished(run.runId);
    expect(done.state).toBe('success');
    expect(await states(run.runId)).toEqual({ sense: 'skipped', load: 'skipped', publish: 'skipped' });
    const pokes = await h.store.listTries(run.runId, 'sense');
    expect(pokes.map((p) => p.state)).toEqual([
      'up_for_reschedule',
      'up_for_reschedule',
      'up_for_reschedule',
      'up_for_reschedule',
      'skipped',
    ]);
  });

  it('aborts a try at its timeout through ctx.signal and retries it', async () => {
    process.env.SLUICE_TEST_SLOW_MS = '600000';
    const clock = new FakeClock(T0);
    h = await createHarness({ clock });
    await h.engine.start();
    const run = await triggerRun(h.store, h.dags, { dagId: 'timeouts', now: clock.now() });
    h.engine.scheduler.notify();
    await waitFor(async () => (await h!.store.getTaskInstance(run.runId, 'slow'))?.state === 'running');
    clock.advance(59_000);
    expect((await h.store.getTaskInstance(run.runId, 'slow'))!.state).toBe('running');
    clock.advance(1_000);
    const ti = await waitFor(async () => {
      const t = await h!.store.getTaskInstance(run.runId, 'slow');
      return t?.state === 'up_for_retry' ? t : undefined;
    });
    expect(ti.failures).toBe(1);
    const [first] = await h.store.listTries(run.runId, 'slow');
    expect(first!.error).toMatchObject({ code: 'E_TASK_TIMEOUT' });
    expect(first!.durationMs).toBe(60_000);
  });

  it('hands running tries back on shutdown without counting a failure', async () => {
    process.env.SLUICE_TEST_SLOW_MS = '600000';
    const clock = new FakeClock(T0);
    h = await createHarness({ clock });
    await h.engine.start();
    const run = await triggerRun(h.store, h.dags, { dagId: 'timeouts', now: clock.now() });
    h.engine.scheduler.notify();
    await waitFor(async () => (await h!.store.getTaskInstance(run.runId, 'slow'))?.state === 'running');
    await h.engine.stop(10);
    const ti = (await h.store.getTaskInstance(run.runId, 'slow'))!;
    expect(ti).toMatchObject({ state: 'up_for_retry', failures: 0, tryNumber: 1 });
    expect(ti.nextAttemptAt).toEqual(clock.now());
    const [first] = await h.store.listTries(run.runId, 'slow');
    expect(first!.error?.code).toBe('E_WORKER_SHUTDOWN');
  });
});
