/**
 * Test bed for the daily pipeline's jobs: a real DuckDB warehouse file and a real local bucket in a temp
 * folder, the real SQL renderer over this project, and a job context like the task runner builds. Used until a
 * test drives the same jobs through the real DAG.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KyselyMetadataStore } from '../../src/adapters/metadata/kysely/kysely-metadata-store.ts';
import { openMetadataStoreAt } from '../../src/adapters/metadata/open-metadata-store.ts';
import { FilesystemObjectStore } from '../../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import type { FileLedger } from '../../src/ports/file-ledger.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Row, SqlParams } from '../../src/ports/warehouse.ts';
import type { Job, JobContext, JobReturn } from '../../src/sdk/index.ts';
import { createSqlRenderer } from '../../src/sql/sql-renderer.ts';
import { allTables } from '../../tables/index.ts';
import { freshPgliteDir } from '../metadata/test-stores.ts';

export const projectDir = join(import.meta.dirname, '..', '..');
export const DAG_ID = 'daily_batch_processing';

export interface Bed {
  readonly dir: string;
  readonly warehouse: DuckDbWarehouse;
  readonly objects: FilesystemObjectStore;
  readonly logs: string[];
  /** The real file ledger (PGlite) when the bed was opened with `{ ledger: true }`. */
  readonly ledger: FileLedger | undefined;
  /** Rows of a query (values as the port returns them). */
  rows(sql: string, params?: SqlParams): Promise<Row[]>;
  /** Render a template of this project for DuckDB. */
  render(name: string, vars?: Record<string, unknown>): string;
  /** Run a job for day `day` (YYYY-MM-DD) as task `taskId`. */
  runJob(
    job: Job,
    day: string,
    options?: { taskId?: string; params?: unknown; ledger?: FileLedger },
  ): Promise<JobReturn | undefined>;
  close(): Promise<void>;
}

/** A fresh warehouse (all pipeline tables created) and bucket in a temp folder, and optionally a metadata DB. */
export async function openBed(options: { ledger?: boolean } = {}): Promise<Bed> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-daily-'));
  let meta: KyselyMetadataStore | undefined;
  if (options.ledger)
    meta = await openMetadataStoreAt({ pgliteDir: await freshPgliteDir(join(dir, 'meta')) });
  const warehouse = new DuckDbWarehouse({ path: join(dir, 'warehouse.duckdb'), dataset: 'ecommerce_data' });
  const objects = new FilesystemObjectStore({ root: join(dir, 'bucket'), durable: false });
  await warehouse.ensureTables(allTables);
  const renderer = createSqlRenderer({
    projectDir,
    dialect: 'duckdb',
    qualify: (t) => warehouse.qualify(t),
  });
  const logs: string[] = [];
  const logger = (fields: Record<string, unknown> = {}): Logger => {
    const line = (level: string) => (message: string, more?: Record<string, unknown>) =>
      logs.push(`${level} ${message} ${JSON.stringify({ ...fields, ...more })}`);
    return {
      debug: line('debug'),
      info: line('info'),
      warn: line('warn'),
      error: line('error'),
      child: (more) => logger({ ...fields, ...more }),
    };
  };
  return {
    dir,
    warehouse,
    objects,
    logs,
    ledger: meta?.ledger,
    async rows(sql, params) {
      return (await warehouse.query(sql, params ? { params } : {})).rows;
    },
    render: (name, vars) => renderer.render(name, vars),
    async runJob(job, day, options = {}) {
      const start = new Date(`${day}T00:00:00Z`);
      const end = new Date(start.getTime() + 86_400_000);
      const taskId = options.taskId ?? 'task';
      const runId = `${DAG_ID}__${day.replaceAll('-', '')}T0000Z`;
      const params = job.params ? job.params.parse(options.params ?? {}) : (options.params ?? {});
      const ctx: JobContext<unknown> = {
        dagId: DAG_ID,
        runId,
        taskId,
        tryNumber: 1,
        runType: 'manual',
        interval: { start, end },
        params,
        log: logger({ taskId }),
        signal: new AbortController().signal,
        warehouse,
        objects,
        ledger: options.ledger ?? meta?.ledger ?? noLedger,
        identity: { jobIdPrefix: `sluice_${runId}_${taskId}_try1` },
        sql: (name, vars) => renderer.render(name, vars),
        upstream: () => undefined,
      };
      return job.run(ctx as never);
    },
    async close() {
      await warehouse.close();
      await meta?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const noLedger = new Proxy({} as FileLedger, {
  get(_t, prop) {
    throw new Error(`this test gave the job no file ledger (it called ledger.${String(prop)})`);
  },
});
