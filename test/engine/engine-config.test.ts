/**
 * The engine's timing settings: SLUICE_HEARTBEAT_INTERVAL, SLUICE_ZOMBIE_THRESHOLD, SLUICE_DAG_RELOAD_INTERVAL
 * (durations, validated together), and the zombie threshold reaching the scheduler of a local engine.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENV_KEYS, loadConfig } from '../../src/config/config.ts';
import { loadDags } from '../../src/runtime/dag-loader.ts';
import { createJobLoader } from '../../src/runtime/job-loader.ts';
import { createLocalEngine } from '../../src/runtime/local-engine.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { openTestStore, type TestStore } from '../metadata/test-stores.ts';
import { FakeClock } from './fake-clock.ts';
import { FIXTURES, noResources } from './harness.ts';
import { silentLogger } from './silent-logger.ts';

const config = (env: Record<string, string>) => loadConfig({ env, cwd: '/tmp/p', ignoreConfigFile: true });

describe('engine settings', () => {
  it('default to a 5 s heartbeat, a 60 s zombie threshold and a 30 s DAG reload', async () => {
    expect((await config({})).engine).toEqual({
      heartbeatIntervalMs: 5_000,
      zombieThresholdMs: 60_000,
      dagReloadIntervalMs: 30_000,
    });
  });

  it('read durations from the environment', async () => {
    const c = await config({
      SLUICE_HEARTBEAT_INTERVAL: '2s',
      SLUICE_ZOMBIE_THRESHOLD: '1m30s',
      SLUICE_DAG_RELOAD_INTERVAL: '0',
    });
    expect(c.engine).toEqual({
      heartbeatIntervalMs: 2_000,
      zombieThresholdMs: 90_000,
      dagReloadIntervalMs: 0,
    });
    for (const key of ['SLUICE_HEARTBEAT_INTERVAL', 'SLUICE_ZOMBIE_THRESHOLD', 'SLUICE_DAG_RELOAD_INTERVAL'])
      expect(Object.keys(ENV_KEYS)).toContain(key);
    expect(ENV_KEYS.SLUICE_CONCURRENCY).toMatch(/per queue/);
  });

  it('refuse a value that is not a duration, naming the variable', async () => {
    await expect(config({ SLUICE_ZOMBIE_THRESHOLD: 'a minute' })).rejects.toThrow(
      /SLUICE_ZOMBIE_THRESHOLD="a minute" is not a duration/,
    );
  });

  it('refuse a zombie threshold that is not comfortably above the heartbeat interval', async () => {
    await expect(
      config({ SLUICE_HEARTBEAT_INTERVAL: '10s', SLUICE_ZOMBIE_THRESHOLD: '20s' }),
    ).rejects.toThrow(
      /zombie threshold \(20s\) must be at least 3x the heartbeat interval \(10s\).*SLUICE_ZOMBIE_THRESHOLD/,
    );
    // The default threshold is checked against a heartbeat changed alone, too.
    await expect(config({ SLUICE_HEARTBEAT_INTERVAL: '30s' })).rejects.toThrow(/at least 3x/);
    expect(
      (await config({ SLUICE_HEARTBEAT_INTERVAL: '10s', SLUICE_ZOMBIE_THRESHOLD: '30s' })).engine,
    ).toMatchObject({ heartbeatIntervalMs: 10_000, zombieThresholdMs: 30_000 });
  });
});

describe('zombie threshold of a local engine', () => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  /** A try running on a worker of another host whose last heartbeat is 20 s old; one scheduler pass. */
  async function stateAfterSilence(zombieThresholdMs: number): Promise<string | undefined> {
    t = await openTestStore('pglite');
    const { store } = t;
    const project = join(FIXTURES, 'dags-engine');
    const dags = await loadDags(project);
    const clock = new FakeClock('2026-01-01T10:00:00Z');
    const engine = createLocalEngine({
      store,
      dags,
      jobs: createJobLoader(project),
      clock,
      logger: silentLogger,
      resources: noResources,
      zombieThresholdMs,
      scheduler: { createScheduledRuns: false },
    });
    await engine.scheduler.prepare();
    await store.registerWorker(
      { workerId: 'far-away', kind: 'bullmq', hostname: 'another-host', pid: 1, startedAt: clock.now() },
      clock.now(),
    );
    const run = await triggerRun(store, dags, { dagId: 'diamond', now: clock.now() });
    await store.transitionRun(run.runId, ['queued'], 'running', clock.now());
    await store.transitionTasks(
      [{ runId: run.runId, taskId: 'a', from: 'none', to: 'scheduled' }],
      clock.now(),
    );
    const [queued] = await store.queueScheduled('default', clock.now());
    await store.startTry(
      { runId: run.runId, taskId: 'a', tryNumber: queued!.tryNumber },
      'far-away',
      clock.now(),
    );
    clock.advance(20_000);
    await engine.scheduler.tick();
    const state = (await store.getTaskInstance(run.runId, 'a'))?.state;
    await engine.stop(1_000);
    return state;
  }

  it('declares a worker silent for longer than the threshold dead, and not one within it', async () => {
    expect(await stateAfterSilence(30_000)).toBe('running');
    await t!.cleanup();
    t = undefined;
    expect(await stateAfterSilence(10_000)).toBe('failed');
  });
});
