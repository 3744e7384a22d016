/**
 * The scheduler's heartbeat in the metadata DB (written from its loop) and the health verdict read from it.
 */
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../src/adapters/executor/local/local-executor.ts';
import { dagSource } from '../../src/runtime/dag-loader.ts';
import { Scheduler } from '../../src/runtime/scheduler.ts';
import { schedulerHealth } from '../../src/runtime/scheduler-health.ts';
import { openTestStore, type TestStore } from '../metadata/test-stores.ts';
import { FakeClock } from './fake-clock.ts';
import { silentLogger } from './silent-logger.ts';
import { waitFor } from './wait-for.ts';

describe('scheduler heartbeat', () => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('is recorded from the loop; health is fresh, then stale, then fresh again, and gone after stop', async () => {
    t = await openTestStore('pglite');
    const { store } = t;
    const clock = new FakeClock('2026-01-01T10:00:00Z');
    const health = (laterMs = 0) =>
      schedulerHealth(store, {
        host: hostname(),
        now: new Date(clock.now().getTime() + laterMs),
        maxAgeMs: 15_000,
      });
    expect(await health()).toEqual({
      healthy: false,
      line: `unhealthy: no running scheduler on ${hostname()} is recorded in the metadata DB`,
    });

    const executor = createLocalExecutor({ handler: async () => {}, clock });
    const scheduler = new Scheduler({
      store,
      executor,
      dags: dagSource([]),
      clock,
      logger: silentLogger,
      createScheduledRuns: false,
      heartbeat: { schedulerId: 'sched-1', intervalMs: 5_000 },
    });
    await scheduler.start();
    try {
      expect(await health()).toEqual({ healthy: true, line: 'healthy: scheduler sched-1 heartbeat 0ms ago' });
      // Seen 16 s later without a pass in between (a hung loop), the heartbeat is stale.
      expect((await health(16_000)).line).toBe(
        'unhealthy: scheduler sched-1 last heartbeat 16s ago (limit 15s)',
      );
      // When the clock really moves, the loop runs and heartbeats again.
      clock.advance(16_000);
      await waitFor(async () => (await health()).healthy || undefined, { what: 'a fresh heartbeat' });
      const [record] = (await store.listWorkers()).filter((w) => w.workerId === 'sched-1');
      expect(record).toMatchObject({ kind: 'scheduler', hostname: hostname(), pid: process.pid });
      expect(record!.lastHeartbeatAt).toEqual(clock.now());
    } finally {
      await scheduler.stop();
      await executor.close(1_000);
    }
    expect((await health()).healthy).toBe(false);
    // Another host's scheduler does not make this host's healthy.
    await store.registerWorker(
      { workerId: 'far', kind: 'scheduler', hostname: 'other-host', pid: 1, startedAt: clock.now() },
      clock.now(),
    );
    expect((await health()).line).toBe(
      `unhealthy: no running scheduler on ${hostname()} is recorded in the metadata DB (1 on other hosts)`,
    );
  });
});
