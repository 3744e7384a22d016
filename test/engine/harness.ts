/**
 * An engine on a fresh metadata store for tests: a fixture project's DAGs and jobs, the local executor, a
 * given clock, and no warehouse or bucket (engine tests exercise orchestration only).
 */
import { join } from 'node:path';
import type { Clock } from '../../src/ports/clock.ts';
import type { MetadataStore } from '../../src/ports/metadata-store.ts';
import { type LoadedDags, loadDags } from '../../src/runtime/dag-loader.ts';
import { createJobLoader } from '../../src/runtime/job-loader.ts';
import { createLocalEngine, type LocalEngine } from '../../src/runtime/local-engine.ts';
import type { SchedulerOptions } from '../../src/runtime/scheduler.ts';
import type { TryResources } from '../../src/runtime/task-runner.ts';
import { type Backend, openTestStore } from '../metadata/test-stores.ts';
import { silentLogger } from './silent-logger.ts';

export const FIXTURES = join(import.meta.dirname, '../fixtures');

/** Try resources without a warehouse or bucket: touching them fails the try with a clear message. */
export const noResources: TryResources = {
  openWarehouse: () => Promise.reject(new Error('no warehouse in engine tests')),
  objectStore: () => Promise.reject(new Error('no object store in engine tests')),
};

export interface Harness {
  readonly store: MetadataStore;
  readonly dags: LoadedDags;
  readonly engine: LocalEngine;
  cleanup(): Promise<void>;
}

export async function createHarness(options: {
  readonly project?: string;
  readonly clock: Clock;
  readonly backend?: Backend;
  readonly store?: MetadataStore;
  /** DAGs to use instead of the project's files. */
  readonly dags?: LoadedDags;
  readonly scheduler?: Omit<SchedulerOptions, 'store' | 'executor' | 'dags' | 'clock' | 'logger'>;
  readonly concurrency?: number;
}): Promise<Harness> {
  const project = options.project ?? join(FIXTURES, 'dags-engine');
  const t = options.store ? undefined : await openTestStore(options.backend ?? 'pglite');
  const store = options.store ?? t!.store;
  const dags = options.dags ?? (await loadDags(project));
  if (dags.errors.length > 0) throw new Error(dags.errors.join('\n'));
  const engine = createLocalEngine({
    store,
    dags,
    jobs: createJobLoader(project),
    clock: options.clock,
    logger: silentLogger,
    resources: noResources,
    concurrency: options.concurrency ?? 4,
    // Scheduled DAGs of the fixture project only get runs in the tests that ask for them.
    scheduler: { createScheduledRuns: false, ...options.scheduler },
  });
  return {
    store,
    dags,
    engine,
    async cleanup() {
      await engine.stop(1_000);
      await t?.cleanup();
    },
  };
}
