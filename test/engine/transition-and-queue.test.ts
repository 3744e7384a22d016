/**
 * The scheduler's write after a try settles (`transitionAndQueue`): transitions and queueing in one call, on
 * PGlite and Postgres; and the scheduler stamps `queued_at` with the time of queueing, not of its pass start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MetadataStore, TaskTransition } from '../../src/ports/metadata-store.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { BACKENDS, openTestStore, type TestStore } from '../metadata/test-stores.ts';
import { FakeClock } from './fake-clock.ts';
import { createHarness, type Harness } from './harness.ts';
import { waitFor } from './wait-for.ts';

const T0 = new Date('2026-01-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

async function runWith(store: MetadataStore, tasks: readonly string[], pool = 'p') {
  const run = (await store.createRun(
    {
      dagId: 'd',
      runType: 'manual',
      intervalStart: T0,
      intervalEnd: at(900),
      tasks: tasks.map((taskId, priority) => ({ taskId, pool, priority })),
    },
    T0,
  ))!;
  await store.transitionRun(run.runId, ['queued'], 'running', T0);
  return run.runId;
}

describe.each(BACKENDS)('transitionAndQueue (%s)', (backend) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('applies the transitions that match, then queues within the free slots, in one call', async () => {
    t = await openTestStore(backend);
    const { store } = t;
    await store.ensurePools([{ name: 'p', slots: 2 }]);
    const runId = await runWith(store, ['a', 'b', 'c', 'd']);
    const change = (taskId: string, from: TaskTransition['from']): TaskTransition => ({
      runId,
      taskId,
      from,
      to: 'scheduled',
    });
    // d is not in `running`: that change does not take effect.
    const first = await store.transitionAndQueue(
      [change('a', 'none'), change('b', 'none'), change('c', 'none'), change('d', 'running')],
      ['p'],
      at(1),
    );
    expect(first.applied.map((c) => c.taskId)).toEqual(['a', 'b', 'c']);
    // Tasks scheduled by this very call are queued by it: 2 slots, best priority first.
    expect(first.queued.map((ti) => [ti.taskId, ti.state, ti.tryNumber, ti.queuedAt])).toEqual([
      ['a', 'queued', 1, at(1)],
      ['b', 'queued', 1, at(1)],
    ]);
    const states = async () =>
      Object.fromEntries((await store.listTaskInstances(runId)).map((ti) => [ti.taskId, ti.state]));
    expect(await states()).toEqual({ a: 'queued', b: 'queued', c: 'scheduled', d: 'none' });

    // No free slot: nothing queued; nothing to change: no error.
    expect(await store.transitionAndQueue([], ['p'], at(2))).toEqual({ applied: [], queued: [] });
    // A slot frees when a try ends; the waiting task takes it.
    await store.startTry({ runId, taskId: 'a', tryNumber: 1 }, 'w', at(3));
    await store.finishTry(
      { runId, taskId: 'a', tryNumber: 1 },
      { state: 'success', countsAsFailure: false },
      at(4),
    );
    const next = await store.transitionAndQueue([change('d', 'none')], ['p', 'p', 'unknown_pool'], at(5));
    expect(next.applied.map((c) => c.taskId)).toEqual(['d']);
    expect(next.queued.map((ti) => ti.taskId)).toEqual(['c']);
    expect(await states()).toEqual({ a: 'success', b: 'queued', c: 'queued', d: 'scheduled' });
  });

  it.runIf(backend === 'postgres')('never overbooks a pool when two schedulers queue at once', async () => {
    t = await openTestStore(backend);
    const { store } = t;
    const others = [await t.another(), await t.another()];
    await store.ensurePools([{ name: 'p', slots: 3 }]);
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const runId = await runWith(store, ids);
    const all = ids.map((taskId) => ({ runId, taskId, from: 'none' as const, to: 'scheduled' as const }));
    const results = await Promise.all(
      [store, ...others].map((s, i) => s.transitionAndQueue(i === 0 ? all : [], ['p'], at(1))),
    );
    const queued = results.flatMap((r) => r.queued.map((ti) => ti.taskId));
    expect(queued).toHaveLength(3);
    expect(new Set(queued).size).toBe(3);
  });
});

describe('scheduler', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('stamps queued_at with the time of queueing, not the start of its pass', async () => {
    const clock = new FakeClock(T0);
    h = await createHarness({ clock });
    const store = h.store;
    // A slow pass: reading the run takes 7 s of the clock.
    const loadRun = store.loadRun.bind(store);
    store.loadRun = async (runId) => {
      const r = await loadRun(runId);
      clock.advance(7_000);
      return r;
    };
    const loadRunningRuns = store.loadRunningRuns.bind(store);
    store.loadRunningRuns = async (limit) => {
      const r = await loadRunningRuns(limit);
      clock.advance(7_000);
      return r;
    };
    const run = await triggerRun(store, h.dags, { dagId: 'diamond', now: clock.now() });
    await store.transitionRun(run.runId, ['queued'], 'running', clock.now());
    await h.engine.scheduler.prepare();
    const passStart = clock.now();
    await h.engine.scheduler.tick();
    const a = await waitFor(
      async () => {
        const ti = await store.getTaskInstance(run.runId, 'a');
        return ti?.queuedAt ? ti : undefined;
      },
      { what: 'a to be queued' },
    );
    expect(a.queuedAt!.getTime()).toBe(passStart.getTime() + 7_000);
  });
});
