/** A DuckDB warehouse in a fresh temp dir, with a local "bucket" folder beside it. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DuckDbWarehouseOptions } from '../../src/adapters/warehouse/duckdb/duckdb-config.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import type { WarehouseHarness } from './warehouse.contract.ts';

export interface DuckDbHarness extends WarehouseHarness {
  readonly warehouse: DuckDbWarehouse;
  readonly dir: string;
  readonly path: string;
}

export async function makeDuckDbHarness(
  options: Partial<DuckDbWarehouseOptions> = {},
): Promise<DuckDbHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-'));
  const path = join(dir, 'warehouse.duckdb');
  const bucket = join(dir, 'bucket');
  const warehouse = new DuckDbWarehouse({ path, dataset: 'ecommerce_data', threads: 2, ...options });
  return {
    warehouse,
    dir,
    path,
    async putObject(name, content) {
      const file = join(bucket, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    async readObject(uri) {
      return readFileSync(uri, 'utf8');
    },
    objectUri(name) {
      return join(bucket, name);
    },
    async cleanup() {
      await warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
