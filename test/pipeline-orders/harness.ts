/**
 * The order pipeline on real services, for tests: a temp SLUICE_HOME with a DuckDB warehouse (every table of
 * tables/index.ts), a local bucket, PGlite metadata (copied from a migrated template), and the real DAG run
 * through the real engine (`runInline`, the local executor). Cleans up after itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KyselyMetadataStore } from '../../src/adapters/metadata/kysely/kysely-metadata-store.ts';
import { openMetadataStoreAt } from '../../src/adapters/metadata/open-metadata-store.ts';
import { FilesystemObjectStore } from '../../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { ensureDefaultPools, tryResources } from '../../src/cli/compose.ts';
import { loadConfig, type SluiceConfig } from '../../src/config/config.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { DagRun, TaskInstance, TaskTry } from '../../src/ports/metadata-store.ts';
import type { Row, SqlParams } from '../../src/ports/warehouse.ts';
import { type LoadedDags, loadDags } from '../../src/runtime/dag-loader.ts';
import { createJobLoader } from '../../src/runtime/job-loader.ts';
import { runInline } from '../../src/runtime/run-inline.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { allTables } from '../../tables/index.ts';
import { silentLogger } from '../engine/silent-logger.ts';
import { freshPgliteDir } from '../metadata/test-stores.ts';

export const projectDir = join(import.meta.dirname, '..', '..');
export const DAG_ID = 'order_processing_incremental';

export interface RunOutcome {
  readonly run: DagRun;
  readonly tasks: Map<string, TaskInstance>;
  readonly tries: TaskTry[];
  /** The error message of the first failed try, if any. */
  readonly error: string | undefined;
}

export interface Pipeline {
  readonly home: string;
  readonly config: SluiceConfig;
  readonly store: KyselyMetadataStore;
  readonly objects: FilesystemObjectStore;
  readonly dags: LoadedDags;
  /** Run the DAG for the interval starting at `intervalStart` (ISO), to completion. */
  run(
    intervalStart: string,
    options?: { clock?: Clock; onTaskSettled?: (instance: TaskInstance) => void },
  ): Promise<RunOutcome>;
  /** Clear tasks of a finished run (all when none given) and run it again (`sluice backfill --reprocess`). */
  rerun(intervalStart: string, taskIds?: readonly string[]): Promise<RunOutcome>;
  /** Rows of a query on the warehouse (opened for the query only, as a task would). */
  rows<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]>;
  close(): Promise<void>;
}

/** The run id of an interval start, e.g. `order_processing_incremental__20260101T1000Z`. */
export function runIdOf(intervalStart: string): string {
  const d = new Date(intervalStart).toISOString();
  return `${DAG_ID}__${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}T${d.slice(11, 13)}${d.slice(14, 16)}Z`;
}

/**
 * A fresh pipeline home (warehouse tables created, as `sluice init` does).
 *
 * @example const p = await openPipeline(); try { await p.run('2026-01-01T10:00:00Z') } finally { await p.close() }
 */
export async function openPipeline(): Promise<Pipeline> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-orders-'));
  const config = await loadConfig({
    env: { SLUICE_HOME: home, SLUICE_PROJECT_DIR: projectDir, SLUICE_DUCKDB_THREADS: '2' },
    ignoreConfigFile: true,
  });
  const store = await openMetadataStoreAt({ pgliteDir: await freshPgliteDir(join(home, 'meta')) });
  const warehouse = new DuckDbWarehouse({ path: config.warehouse.duckdb.path, dataset: config.dataset });
  await warehouse.ensureTables(allTables);
  await warehouse.close();
  // As `sluice init` does: DuckDB admits one writer, so the warehouse pool has one slot.
  await ensureDefaultPools(config, store);
  const objects = new FilesystemObjectStore({ root: config.storage.localRoot, durable: false });
  const dags = await loadDags(projectDir);
  if (!dags.get(DAG_ID)) throw new Error(`dags/${DAG_ID}.ts did not load: ${dags.errors.join('; ')}`);
  const resources = tryResources(config);
  const jobs = createJobLoader(projectDir);

  async function outcome(run: DagRun): Promise<RunOutcome> {
    const tasks = new Map((await store.listTaskInstances(run.runId)).map((t) => [t.taskId, t]));
    const tries = await store.listTries(run.runId);
    const error = tries.find((t) => t.error)?.error?.message;
    return { run, tasks, tries, error };
  }

  const pipeline: Pipeline = {
    home,
    config,
    store,
    objects,
    dags,
    async run(intervalStart, options = {}) {
      const { run } = await runInline(
        {
          store,
          dags,
          jobs,
          clock: options.clock ?? systemClock,
          logger: silentLogger,
          resources,
          concurrency: 2,
        },
        {
          dagId: DAG_ID,
          intervalStart: new Date(intervalStart),
          ...(options.onTaskSettled ? { onTaskSettled: options.onTaskSettled } : {}),
        },
      );
      return outcome(run);
    },
    async rerun(intervalStart, taskIds) {
      await store.clearTasks(runIdOf(intervalStart), taskIds ? { taskIds } : {}, new Date());
      return pipeline.run(intervalStart);
    },
    async rows(sql, params) {
      const w = new DuckDbWarehouse({ path: config.warehouse.duckdb.path, dataset: config.dataset });
      try {
        return (await w.query(sql, params ? { params } : {})).rows as never;
      } finally {
        await w.close();
      }
    },
    async close() {
      await resources.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return pipeline;
}
