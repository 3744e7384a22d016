/**
 * What a try reads when it starts: only the results of its ancestors (ctx.upstream), on PGlite and
 * Postgres; and a try that never touches ctx.warehouse opens no warehouse (no DuckDB file appears).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryResources } from '../../src/cli/compose.ts';
import { compileConfig } from '../../src/config/config.ts';
import { compileDag } from '../../src/core/dag/compile-dag.ts';
import type { MetadataStore } from '../../src/ports/metadata-store.ts';
import { dagSource, listJobNames } from '../../src/runtime/dag-loader.ts';
import { createJobLoader } from '../../src/runtime/job-loader.ts';
import { createLocalEngine } from '../../src/runtime/local-engine.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { defineDag } from '../../src/sdk/index.ts';
import { BACKENDS, openTestStore, type TestStore } from '../metadata/test-stores.ts';
import { FakeClock } from './fake-clock.ts';
import { FIXTURES } from './harness.ts';
import { silentLogger } from './silent-logger.ts';
import { waitFor } from './wait-for.ts';

const PROJECT = join(FIXTURES, 'dags-engine');
const T0 = new Date('2026-01-01T10:00:00Z');

/** a -> b -> c, and x beside them; c reads a (its grandparent), b and x (not an ancestor). */
const chain = (() => {
  const result = compileDag({
    id: 'grand',
    file: 'dags/grand.ts',
    knownJobs: listJobNames(PROJECT),
    definition: defineDag({
      description: 'a -> b -> c; x alone',
      schedule: null,
      startDate: '2026-01-01T00:00:00Z',
      tasks: {
        a: { job: 'noop' },
        x: { job: 'noop' },
        b: { job: 'noop', upstream: ['a'] },
        c: { job: 'sum_upstream', upstream: ['b'], params: { from: ['a', 'b', 'x'] } },
      },
    }),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.spec;
})();

async function succeed(store: MetadataStore, runId: string, taskId: string, result: unknown, at: Date) {
  const [queued] = (await store.queueScheduled('default', at)).filter((t) => t.taskId === taskId);
  const key = { runId, taskId, tryNumber: queued!.tryNumber };
  await store.startTry(key, 'w', at);
  await store.finishTry(key, { state: 'success', result: result as never, countsAsFailure: false }, at);
}

describe.each(BACKENDS)('startTry results (%s)', (backend) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('returns the results asked for, none for an empty list, all without a list', async () => {
    t = await openTestStore(backend);
    const { store } = t;
    await store.ensurePools([{ name: 'default', slots: 16 }]);
    const run = (await store.createRun(
      {
        dagId: 'grand',
        runType: 'manual',
        intervalStart: T0,
        intervalEnd: T0,
        tasks: ['a', 'x', 'b', 'c'].map((taskId, priority) => ({ taskId, pool: 'default', priority })),
      },
      T0,
    ))!;
    await store.transitionRun(run.runId, ['queued'], 'running', T0);
    for (const id of ['a', 'x', 'b']) {
      await store.transitionTasks([{ runId: run.runId, taskId: id, from: 'none', to: 'scheduled' }], T0);
      await succeed(store, run.runId, id, { task: id }, T0);
    }
    await store.transitionTasks([{ runId: run.runId, taskId: 'c', from: 'none', to: 'scheduled' }], T0);
    const [c] = await store.queueScheduled('default', T0);
    const key = { runId: run.runId, taskId: 'c', tryNumber: c!.tryNumber };

    const some = await store.startTry(key, 'w', T0, { resultsOf: ['a', 'b', 'nope'] });
    expect(some?.results).toEqual({ a: { task: 'a' }, b: { task: 'b' } });

    // The same claim again is fenced; reset it to queued to look at the other two forms.
    expect(await store.startTry(key, 'w', T0)).toBeUndefined();
    const back = { runId: run.runId, taskId: 'c', from: 'running' as const, to: 'queued' as const };
    await store.transitionTasks([back], T0);
    expect((await store.startTry(key, 'w', T0, { resultsOf: [] }))?.results).toEqual({});
    await store.transitionTasks([back], T0);
    expect((await store.startTry(key, 'w', T0))?.results).toEqual({
      a: { task: 'a' },
      x: { task: 'x' },
      b: { task: 'b' },
    });
  });
});

describe('task runner', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it("claims with the task's ancestors only, and opens no warehouse the try does not use", async () => {
    const t = await openTestStore('pglite');
    const home = mkdtempSync(join(tmpdir(), 'sluice-upstream-'));
    const config = compileConfig({
      env: { SLUICE_HOME: home },
      cwd: home,
      projectDir: PROJECT,
      fileOverrides: {},
      flags: {},
    });
    const resources = tryResources(config);
    const clock = new FakeClock(T0);
    const store = t.store;
    const asked = new Map<string, readonly string[] | undefined>();
    const startTry = store.startTry.bind(store);
    store.startTry = async (key, worker, now, options) => {
      asked.set(key.taskId, options?.resultsOf);
      return startTry(key, worker, now, options);
    };
    const dags = dagSource([chain]);
    const engine = createLocalEngine({
      store,
      dags,
      jobs: createJobLoader(PROJECT),
      clock,
      logger: silentLogger,
      resources,
      scheduler: { createScheduledRuns: false },
    });
    cleanup = async () => {
      await engine.stop(1_000);
      await resources.close();
      await t.cleanup();
      rmSync(home, { recursive: true, force: true });
    };
    await engine.start();
    const run = await triggerRun(store, dags, { dagId: 'grand', now: clock.now() });
    engine.scheduler.notify();
    await waitFor(async () => (await store.getRun(run.runId))?.state === 'success' || undefined, {
      what: 'the run to succeed',
    });

    expect(asked.get('a')).toEqual([]);
    expect(asked.get('x')).toEqual([]);
    expect(asked.get('b')).toEqual(['a']);
    expect([...(asked.get('c') ?? [])].sort()).toEqual(['a', 'b']);
    // c reads its grandparent a through b; x is no ancestor of c, so it is not visible however it ended.
    const c = await store.getTaskInstance(run.runId, 'c');
    expect(c?.result).toEqual({ seen: ['a', 'b', null], factor: 1, missing: null });
    // No try touched ctx.warehouse: the DuckDB file was never created.
    expect(existsSync(config.warehouse.duckdb.path)).toBe(false);
  });
});
