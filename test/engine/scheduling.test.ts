/**
 * Run creation: catchup on/off, maxActiveRuns, paused DAGs, two schedulers on one Postgres; and recovery:
 * zombie tries of a dead worker, queued tries lost with their process.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { compileDag } from '../../src/core/dag/compile-dag.ts';
import type { DagSpec } from '../../src/core/dag/dag-spec.ts';
import type { MetadataStore } from '../../src/ports/metadata-store.ts';
import { dagSource } from '../../src/runtime/dag-loader.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { zombieReason } from '../../src/runtime/zombie-sweep.ts';
import { openTestStore, type TestStore } from '../metadata/test-stores.ts';
import { FakeClock } from './fake-clock.ts';
import { createHarness, type Harness } from './harness.ts';
import { waitFor } from './wait-for.ts';

const at = (iso: string) => new Date(iso);

function dag(id: string, definition: Record<string, unknown>): DagSpec {
  const r = compileDag({ id, file: `dags/${id}.ts`, definition });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

const every15 = (catchup: boolean, maxActiveRuns = 16, startDate = '2026-01-01T00:00:00Z') => ({
  schedule: '*/15 * * * *',
  startDate,
  catchup,
  maxActiveRuns,
  tasks: { only: { job: 'noop' } },
});

/** A finished run whose interval ended at `end`, as if the scheduler had made it. */
async function lastRunEndingAt(store: MetadataStore, spec: DagSpec, end: Date) {
  const start = new Date(end.getTime() - 15 * 60_000);
  const run = await store.createRun(
    { dagId: spec.id, runType: 'scheduled', intervalStart: start, intervalEnd: end, tasks: [] },
    start,
  );
  await store.transitionRun(run!.runId, ['queued'], 'running', end);
  await store.transitionRun(run!.runId, ['running'], 'success', end);
  await store.advanceSchedule(spec.id, null, end);
}

const intervals = async (store: MetadataStore, dagId: string) =>
  (await store.listRuns({ dagId, order: 'asc' })).map(
    (r) => `${r.intervalStart.toISOString().slice(11, 16)}-${r.intervalEnd.toISOString().slice(11, 16)}`,
  );

describe('scheduling', () => {
  let h: Harness | undefined;
  const extra: Harness[] = [];
  let shared: TestStore | undefined;
  afterEach(async () => {
    for (const x of [h, ...extra.splice(0)]) await x?.cleanup();
    h = undefined;
    await shared?.cleanup();
    shared = undefined;
  });

  it('with catchup creates exactly the 4 missed runs of the last hour, contiguous; without catchup only the latest', async () => {
    const clock = new FakeClock('2026-01-01T10:07:00Z');
    const on = dag('catchup_on', every15(true));
    const off = dag('catchup_off', every15(false));
    h = await createHarness({ clock, dags: dagSource([on, off]), scheduler: { createScheduledRuns: true } });
    await h.engine.scheduler.prepare();
    await lastRunEndingAt(h.store, on, at('2026-01-01T09:00:00Z'));
    await lastRunEndingAt(h.store, off, at('2026-01-01T09:00:00Z'));
    await h.engine.scheduler.tick();
    expect(await intervals(h.store, 'catchup_on')).toEqual([
      '08:45-09:00',
      '09:00-09:15',
      '09:15-09:30',
      '09:30-09:45',
      '09:45-10:00',
    ]);
    expect(await intervals(h.store, 'catchup_off')).toEqual(['08:45-09:00', '09:45-10:00']);
    // Nothing more until the next boundary...
    await h.engine.scheduler.tick();
    expect(await intervals(h.store, 'catchup_on')).toHaveLength(5);
    // ...which makes exactly one more run each.
    clock.advance(8 * 60_000);
    await h.engine.scheduler.tick();
    expect((await intervals(h.store, 'catchup_on')).at(-1)).toBe('10:00-10:15');
    expect(await intervals(h.store, 'catchup_off')).toEqual(['08:45-09:00', '09:45-10:00', '10:00-10:15']);
  });

  it('keeps at most maxActiveRuns active and skips paused DAGs', async () => {
    const clock = new FakeClock('2026-01-01T10:07:00Z');
    const limited = dag('limited', every15(true, 2));
    const paused = dag('paused_one', every15(true));
    h = await createHarness({
      clock,
      dags: dagSource([limited, paused]),
      scheduler: { createScheduledRuns: true },
    });
    await h.engine.scheduler.prepare();
    await h.store.setPaused('paused_one', true);
    await lastRunEndingAt(h.store, limited, at('2026-01-01T09:00:00Z'));
    await h.engine.scheduler.tick();
    expect(await intervals(h.store, 'limited')).toEqual(['08:45-09:00', '09:00-09:15', '09:15-09:30']);
    expect(await intervals(h.store, 'paused_one')).toEqual([]);
    await h.engine.start();
    await waitFor(async () => {
      const runs = await h!.store.listRuns({ dagId: 'limited' });
      return runs.length === 5 && runs.every((r) => r.state === 'success');
    });
    expect(await intervals(h.store, 'limited')).toEqual([
      '08:45-09:00',
      '09:00-09:15',
      '09:15-09:30',
      '09:30-09:45',
      '09:45-10:00',
    ]);
    expect(await intervals(h.store, 'paused_one')).toEqual([]);
  });

  it('two schedulers running against one Postgres create each run once and run each task once', async () => {
    shared = await openTestStore('postgres');
    const now = systemClock.now();
    const start = new Date(Math.floor(now.getTime() / (15 * 60_000)) * 15 * 60_000 - 2 * 3_600_000);
    const spec = dag('shared_dag', {
      ...every15(true, 16, start.toISOString()),
      tasks: { a: { job: 'noop' }, b: { job: 'noop', upstream: ['a'] } },
    });
    const scheduler = { createScheduledRuns: true, pollIntervalMs: 50 };
    const one = await createHarness({
      clock: systemClock,
      dags: dagSource([spec]),
      store: shared.store,
      scheduler,
    });
    const two = await createHarness({
      clock: systemClock,
      dags: dagSource([spec]),
      store: await shared.another(),
      scheduler,
    });
    extra.push(one, two);
    await Promise.all([one.engine.start(), two.engine.start()]);
    const runs = await waitFor(
      async () => {
        const r = await shared!.store.listRuns({ dagId: 'shared_dag', limit: 100 });
        return r.length >= 8 && r.every((x) => x.state === 'success') ? r : undefined;
      },
      { what: '8 runs to succeed' },
    );
    expect(runs).toHaveLength(8);
    expect(new Set(runs.map((r) => r.intervalStart.getTime())).size).toBe(8);
    for (const run of runs) {
      const tries = await shared.store.listTries(run.runId);
      expect(tries.map((t) => [t.taskId, t.tryNumber])).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
    }
  });

  it('retries the try of a dead worker (pid gone on this host) with a new try number', async () => {
    const clock = new FakeClock('2026-01-01T10:07:00Z');
    process.env.SLUICE_TEST_SLOW_MS = '1';
    h = await createHarness({ clock });
    const store = h.store;
    await h.engine.scheduler.prepare();
    const run = await triggerRun(store, h.dags, { dagId: 'interruptible', now: clock.now() });
    await store.startQueuedRuns('interruptible', 1, clock.now());
    // A process that ran `first` and died (a pid that no longer exists on this host).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(dead.stdout.toString());
    await store.registerWorker(
      { workerId: 'dead-worker', kind: 'local', hostname: hostname(), pid: deadPid, startedAt: clock.now() },
      clock.now(),
    );
    await store.transitionTasks(
      [{ runId: run.runId, taskId: 'first', from: 'none', to: 'scheduled' }],
      clock.now(),
    );
    await store.queueScheduled('default', clock.now());
    await store.startTry({ runId: run.runId, taskId: 'first', tryNumber: 1 }, 'dead-worker', clock.now());

    await h.engine.start();
    const done = await waitFor(async () => {
      const r = await store.getRun(run.runId);
      return r?.state === 'success' ? r : undefined;
    });
    expect(done.state).toBe('success');
    const tries = await store.listTries(run.runId);
    expect(tries.map((t) => [t.taskId, t.tryNumber, t.state, t.error?.code ?? null])).toEqual([
      ['first', 1, 'up_for_retry', 'E_ZOMBIE'],
      ['first', 2, 'success', null],
      ['last', 1, 'success', null],
      ['slow', 1, 'success', null],
    ]);
    expect(tries[0]!.error?.message).toMatch(/pid \d+ on this host\) is gone/);
  });

  it('re-dispatches a queued try whose process died before starting it (same try number)', async () => {
    const clock = new FakeClock('2026-01-01T10:07:00Z');
    h = await createHarness({ clock });
    await h.engine.scheduler.prepare();
    const run = await triggerRun(h.store, h.dags, { dagId: 'diamond', now: clock.now() });
    await h.store.startQueuedRuns('diamond', 1, clock.now());
    await h.store.transitionTasks(
      [{ runId: run.runId, taskId: 'a', from: 'none', to: 'scheduled' }],
      clock.now(),
    );
    const [queued] = await h.store.queueScheduled('default', clock.now());
    expect(queued!.tryNumber).toBe(1);
    await h.engine.start();
    await waitFor(async () => (await h!.store.getRun(run.runId))?.state === 'success');
    expect((await h.store.listTries(run.runId, 'a')).map((t) => t.tryNumber)).toEqual([1]);
  });

  it('tells a zombie from a live worker', () => {
    const now = at('2026-01-01T10:00:00Z');
    const ti = { startedAt: at('2026-01-01T09:00:00Z'), workerId: 'w' } as never;
    const worker = (over: Record<string, unknown>) =>
      ({
        workerId: 'w',
        kind: 'bullmq',
        hostname: 'elsewhere',
        pid: 1,
        startedAt: now,
        lastHeartbeatAt: at('2026-01-01T09:59:30Z'),
        stoppedAt: null,
        ...over,
      }) as never;
    const alive = () => true;
    expect(zombieReason({ instance: ti, worker: worker({}) }, now, 60_000, alive)).toBeUndefined();
    expect(
      zombieReason(
        { instance: ti, worker: worker({ lastHeartbeatAt: at('2026-01-01T09:58:00Z') }) },
        now,
        60_000,
        alive,
      ),
    ).toMatch(/silent for 120000 ms/);
    expect(zombieReason({ instance: ti, worker: worker({ stoppedAt: now }) }, now, 60_000, alive)).toMatch(
      /stopped/,
    );
    expect(zombieReason({ instance: ti, worker: null }, now, 60_000, alive)).toMatch(/never registered/);
    expect(
      zombieReason(
        { instance: ti, worker: worker({ hostname: hostname(), pid: 999_999 }) },
        now,
        60_000,
        () => false,
      ),
    ).toMatch(/is gone/);
  });
});
