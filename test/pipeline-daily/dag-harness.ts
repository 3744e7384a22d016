/**
 * The real DAGs on real services, for the nightly pipeline's tests: a temp SLUICE_HOME with a DuckDB warehouse
 * (every table of tables/index.ts), a local bucket, PGlite metadata, and runs executed by the real engine
 * (`runInline`, local executor) exactly as `sluice run` does. Cleans up after itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KyselyMetadataStore } from '../../src/adapters/metadata/kysely/kysely-metadata-store.ts';
import { openMetadataStoreAt } from '../../src/adapters/metadata/open-metadata-store.ts';
import { FilesystemObjectStore } from '../../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { tryResources } from '../../src/cli/compose.ts';
import { loadConfig } from '../../src/config/config.ts';
import { runIdFor } from '../../src/core/ids.ts';
import type { DagRun, TaskInstance } from '../../src/ports/metadata-store.ts';
import type { Row, SqlParams } from '../../src/ports/warehouse.ts';
import { loadDags } from '../../src/runtime/dag-loader.ts';
import { createJobLoader } from '../../src/runtime/job-loader.ts';
import { runInline } from '../../src/runtime/run-inline.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { allTables } from '../../tables/index.ts';
import { silentLogger } from '../engine/silent-logger.ts';
import { freshPgliteDir } from '../metadata/test-stores.ts';

export const projectDir = join(import.meta.dirname, '..', '..');
export const DAILY = 'daily_batch_processing';
export const ORDERS = 'order_processing_incremental';

export interface RunOutcome {
  readonly run: DagRun;
  readonly tasks: Map<string, TaskInstance>;
  /** Error messages of failed tries, by task. */
  readonly errors: Map<string, string>;
}

export interface Home {
  readonly objects: FilesystemObjectStore;
  readonly store: KyselyMetadataStore;
  /** Run a DAG for the interval starting at `intervalStart` (ISO) to completion. */
  run(dagId: string, intervalStart: string): Promise<RunOutcome>;
  /** Clear every task of a finished run and run it again (what `sluice backfill --reprocess all` does). */
  rerun(dagId: string, intervalStart: string): Promise<RunOutcome>;
  rows(sql: string, params?: SqlParams): Promise<Row[]>;
  qualify(table: string): string;
  /** Text of an object in the bucket. */
  text(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openHome(): Promise<Home> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-daily-dag-'));
  const config = await loadConfig({
    env: { SLUICE_HOME: home, SLUICE_PROJECT_DIR: projectDir, SLUICE_DUCKDB_THREADS: '2' },
    ignoreConfigFile: true,
  });
  const store = await openMetadataStoreAt({ pgliteDir: await freshPgliteDir(join(home, 'meta')) });
  const open = () => new DuckDbWarehouse({ path: config.warehouse.duckdb.path, dataset: config.dataset });
  const setup = open();
  await setup.ensureTables(allTables);
  await setup.close();
  const objects = new FilesystemObjectStore({ root: config.storage.localRoot, durable: false });
  const dags = await loadDags(projectDir);
  for (const id of [DAILY, ORDERS])
    if (!dags.get(id)) throw new Error(`dags/${id}.ts did not load: ${dags.errors.join('; ')}`);
  const resources = tryResources(config);
  const jobs = createJobLoader(projectDir);

  async function outcome(run: DagRun): Promise<RunOutcome> {
    const tasks = new Map((await store.listTaskInstances(run.runId)).map((t) => [t.taskId, t]));
    const errors = new Map<string, string>();
    for (const t of await store.listTries(run.runId))
      if (t.error && !errors.has(t.taskId)) errors.set(t.taskId, t.error.message);
    return { run, tasks, errors };
  }

  const home_: Home = {
    objects,
    store,
    async run(dagId, intervalStart) {
      const { run } = await runInline(
        { store, dags, jobs, clock: systemClock, logger: silentLogger, resources, concurrency: 2 },
        { dagId, intervalStart: new Date(intervalStart) },
      );
      return outcome(run);
    },
    async rerun(dagId, intervalStart) {
      await store.clearTasks(runIdFor(dagId, new Date(intervalStart)), {}, new Date());
      return home_.run(dagId, intervalStart);
    },
    async rows(sql, params) {
      const w = open();
      try {
        return (await w.query(sql, params ? { params } : {})).rows;
      } finally {
        await w.close();
      }
    },
    qualify: (table) => `"${config.dataset}"."${table}"`,
    text: (name) => readFile(objects.uri(name), 'utf8'),
    async close() {
      await resources.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return home_;
}
