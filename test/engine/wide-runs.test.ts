/**
 * Runs larger than the neighbourhood of a settled try: the scheduler reads only that neighbourhood after a
 * try settles (the settled task, its downstream tasks and their upstream tasks), and still runs tasks in
 * order, keeps retry delays, and decides the run's outcome over every task.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileDag } from '../../src/core/dag/compile-dag.ts';
import type { DagSpec } from '../../src/core/dag/dag-spec.ts';
import { dagSource, listJobNames } from '../../src/runtime/dag-loader.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { defineDag, type TaskDefinition } from '../../src/sdk/index.ts';
import { FakeClock } from './fake-clock.ts';
import { createHarness, FIXTURES, type Harness } from './harness.ts';
import { waitFor } from './wait-for.ts';

const MIN = 60_000;
const jobs = listJobNames(join(FIXTURES, 'dags-engine'));

function dag(id: string, tasks: Record<string, TaskDefinition>, defaults = {}): DagSpec {
  const r = compileDag({
    id,
    file: `dags/${id}.ts`,
    knownJobs: jobs,
    definition: defineDag({ schedule: null, startDate: '2026-01-01T00:00:00Z', defaults, tasks }),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

const chain = dag(
  'chain10',
  Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [
      `t${i}`,
      i === 0 ? { job: 'noop' } : { job: 'noop', upstream: [`t${i - 1}`] },
    ]),
  ),
);

/** a -> b1..b8, a -> bad (fails, one retry 1 minute later) -> leaf. */
const fan = dag(
  'fan',
  {
    a: { job: 'noop' },
    ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`b${i}`, { job: 'noop', upstream: ['a'] }])),
    bad: { job: 'fail', upstream: ['a'] },
    leaf: { job: 'noop', upstream: ['bad'] },
  },
  { retries: 1, retryDelay: '1m' },
);

/** x0..x5 beside a -> b -> c -> d, where a fails for good: b, c and d end upstream_failed. */
const cascade = dag(
  'cascade',
  {
    ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, { job: 'noop' }])),
    a: { job: 'reject' },
    b: { job: 'noop', upstream: ['a'] },
    c: { job: 'noop', upstream: ['b'] },
    d: { job: 'noop', upstream: ['c'] },
  },
  { retries: 0 },
);

describe('wide runs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  async function start(spec: DagSpec, concurrency = 4) {
    const clock = new FakeClock('2026-01-01T10:00:00Z');
    h = await createHarness({ clock, dags: dagSource([spec]), concurrency });
    const partialReads: string[][] = [];
    const loadRunTasks = h.store.loadRunTasks.bind(h.store);
    h.store.loadRunTasks = async (runId, ids) => {
      partialReads.push([...ids].sort());
      return loadRunTasks(runId, ids);
    };
    await h.engine.start();
    const run = await triggerRun(h.store, h.dags, { dagId: spec.id, now: clock.now() });
    h.engine.scheduler.notify();
    return { clock, run, partialReads };
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

  it('runs a chain in order, reading only the settled task and the next one after each try', async () => {
    const { run, partialReads } = await start(chain, 1);
    expect((await finished(run.runId)).state).toBe('success');
    const tries = await h!.store.listTries(run.runId);
    const byStart = [...tries].sort(
      (x, y) => x.startedAt.getTime() - y.startedAt.getTime() || x.taskId.localeCompare(y.taskId),
    );
    expect(byStart.map((t) => t.taskId)).toEqual(chain.tasks.map((t) => t.id));
    expect(tries.every((t) => t.tryNumber === 1 && t.state === 'success')).toBe(true);
    // Each hop reads the settled task and the next one, not all ten (the last try: itself only, then the
    // whole run to decide its outcome).
    expect(partialReads.filter((ids) => ids.length === 2).length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...partialReads.map((ids) => ids.length))).toBe(2);
  });

  it('carries upstream_failed down a chain after a partial read, with the clock standing still', async () => {
    const { run, partialReads } = await start(cascade);
    expect((await finished(run.runId)).state).toBe('failed');
    const states = Object.fromEntries(
      (await h!.store.listTaskInstances(run.runId)).map((t) => [t.taskId, t.state]),
    );
    expect([states.a, states.b, states.c, states.d]).toEqual([
      'failed',
      'upstream_failed',
      'upstream_failed',
      'upstream_failed',
    ]);
    expect(partialReads).toContainEqual(['a', 'b']);
  });

  it('keeps a retry delay learnt from a partial read, and fails the run over all its tasks', async () => {
    const { clock, run, partialReads } = await start(fan);
    const bad = await waitFor(
      async () => {
        const t = await h!.store.getTaskInstance(run.runId, 'bad');
        return t?.state === 'up_for_retry' ? t : undefined;
      },
      { what: 'bad to wait for its retry' },
    );
    expect(partialReads.some((ids) => ids.includes('bad') && ids.includes('leaf'))).toBe(true);
    await waitFor(
      async () => {
        const tis = await h!.store.listTaskInstances(run.runId);
        return tis
          .filter((t) => t.taskId.startsWith('b') && t.taskId !== 'bad')
          .every((t) => t.state === 'success');
      },
      { what: 'the b tasks to succeed' },
    );
    // Only the clock reaching the retry time starts the second try.
    clock.advance(MIN - 1);
    await h!.engine.scheduler.tick();
    expect((await h!.store.getTaskInstance(run.runId, 'bad'))!.tryNumber).toBe(bad.tryNumber);
    clock.advance(1);
    expect((await finished(run.runId)).state).toBe('failed');
    const states = Object.fromEntries(
      (await h!.store.listTaskInstances(run.runId)).map((t) => [t.taskId, [t.state, t.tryNumber]]),
    );
    expect(states.bad).toEqual(['failed', 2]);
    expect(states.leaf).toEqual(['upstream_failed', 0]);
    expect(states.b0).toEqual(['success', 1]);
  });
});
