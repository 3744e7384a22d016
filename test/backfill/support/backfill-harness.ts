/**
 * An engine for backfill tests: a fresh metadata store (PGlite unless asked), the fixture project's DAGs and
 * the `gate` job, pools `single` (1 slot) and `default`, a fake clock, the real scheduler with the backfill
 * executor, and the backfill service the CLI and API use. Ticks are driven by the test.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KyselyMetadataStore } from '../../../src/adapters/metadata/kysely/kysely-metadata-store.ts';
import type { DagRun } from '../../../src/ports/metadata-store.ts';
import {
  type BackfillOperations,
  createBackfillService,
  specLookup,
} from '../../../src/runtime/backfill-service.ts';
import { type LoadedDags, loadDags } from '../../../src/runtime/dag-loader.ts';
import { createJobLoader } from '../../../src/runtime/job-loader.ts';
import { createLocalEngine, type LocalEngine } from '../../../src/runtime/local-engine.ts';
import type { SchedulerOptions } from '../../../src/runtime/scheduler.ts';
import { FakeClock } from '../../engine/fake-clock.ts';
import { noResources } from '../../engine/harness.ts';
import { silentLogger } from '../../engine/silent-logger.ts';
import { waitFor } from '../../engine/wait-for.ts';
import { type Backend, openTestStore, type TestStore } from '../../metadata/test-stores.ts';
import { Gate } from './gate.ts';

export const PROJECT = join(import.meta.dirname, '..', 'fixtures', 'project');

export interface BackfillHarness {
  readonly store: KyselyMetadataStore;
  readonly clock: FakeClock;
  readonly dags: LoadedDags;
  readonly engine: LocalEngine;
  readonly backfills: BackfillOperations;
  readonly gate: Gate;
  /** One full scheduler pass at the clock's time. */
  tick(): Promise<void>;
  /** Advance the fake clock by `ms` and run one full pass. */
  advance(ms: number): Promise<void>;
  /** Wait (real time) until every dispatched try has settled. */
  settle(): Promise<void>;
  runs(dagId: string): Promise<DagRun[]>;
  cleanup(): Promise<void>;
}

export async function openBackfillHarness(options: {
  readonly start: string;
  readonly backend?: Backend;
  readonly scheduler?: Omit<SchedulerOptions, 'store' | 'executor' | 'dags' | 'clock' | 'logger'>;
}): Promise<BackfillHarness> {
  const t: TestStore = await openTestStore(options.backend ?? 'pglite');
  const clock = new FakeClock(options.start);
  const dags = await loadDags(PROJECT);
  if (dags.errors.length > 0) throw new Error(dags.errors.join('\n'));
  await t.store.ensurePools([
    { name: 'single', slots: 1 },
    { name: 'default', slots: 16 },
  ]);
  const engine = createLocalEngine({
    store: t.store,
    dags,
    jobs: createJobLoader(PROJECT),
    clock,
    logger: silentLogger,
    resources: noResources,
    concurrency: 8,
    scheduler: { pollIntervalMs: 1_000, ...options.scheduler },
  });
  await engine.scheduler.prepare();
  // The executor's worker, registered as this process: held tries are never taken for zombies.
  await t.store.registerWorker(
    {
      workerId: engine.workerId,
      kind: 'local',
      hostname: hostname(),
      pid: process.pid,
      startedAt: clock.now(),
    },
    clock.now(),
  );
  const gate = new Gate();
  gate.install();
  const h: BackfillHarness = {
    store: t.store,
    clock,
    dags,
    engine,
    gate,
    backfills: createBackfillService({ store: t.store, dags: specLookup(dags), clock }),
    async tick() {
      await engine.scheduler.tick();
    },
    async advance(ms) {
      clock.advance(ms);
      await engine.scheduler.tick();
    },
    async settle() {
      await waitFor(async () => (await engine.executor.inFlight()) === gate.held.length, {
        what: 'tries to settle',
      });
    },
    runs: (dagId) => t.store.listRuns({ dagId, order: 'asc', limit: 10_000 }),
    async cleanup() {
      gate.uninstall();
      await engine.stop(1_000);
      await t.cleanup();
    },
  };
  return h;
}
