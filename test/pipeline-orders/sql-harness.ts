/**
 * A warehouse, bucket and renderer for tests that run the order SQL directly (no engine): a temp folder with a
 * DuckDB file holding every table of tables/index.ts and a local bucket. Cleans up after itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemObjectStore } from '../../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import type { ObjectStore } from '../../src/ports/object-store.ts';
import type { Row, SqlParams, Warehouse } from '../../src/ports/warehouse.ts';
import { createSqlRenderer } from '../../src/sql/sql-renderer.ts';
import { allTables } from '../../tables/index.ts';

const root = join(import.meta.dirname, '..', '..');

export interface SqlHarness {
  readonly dir: string;
  readonly warehouse: Warehouse;
  readonly objects: ObjectStore;
  /** Render and run a template (script or statement) with bound params. */
  run(name: string, params?: SqlParams, vars?: Record<string, unknown>): Promise<void>;
  /** Render and run a template that returns rows. */
  rows<R extends Row = Row>(name: string, params?: SqlParams, vars?: Record<string, unknown>): Promise<R[]>;
  /** Run literal SQL returning rows (assertions). */
  query<R extends Row = Row>(sql: string, params?: SqlParams): Promise<R[]>;
  close(): Promise<void>;
}

/** Open a fresh harness; `await h.close()` removes everything. */
export async function openSqlHarness(): Promise<SqlHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-orders-sql-'));
  const warehouse = new DuckDbWarehouse({
    path: join(dir, 'warehouse.duckdb'),
    dataset: 'ecommerce_data',
    threads: 2,
  });
  await warehouse.ensureTables(allTables);
  const objects = new FilesystemObjectStore({ root: join(dir, 'bucket'), durable: false });
  const renderer = createSqlRenderer({
    projectDir: root,
    dialect: 'duckdb',
    qualify: (t) => warehouse.qualify(t),
  });
  return {
    dir,
    warehouse,
    objects,
    async run(name, params, vars) {
      await warehouse.execute(renderer.render(name, vars), params ? { params } : {});
    },
    async rows(name, params, vars) {
      return (await warehouse.query(renderer.render(name, vars), params ? { params } : {})).rows as never;
    },
    async query(sql, params) {
      return (await warehouse.query(sql, params ? { params } : {})).rows as never;
    },
    async close() {
      await warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
