/**
 * Builds the configured warehouse adapter. The composition root (CLI, worker, task runner) calls this;
 * nothing else names an adapter. Adapters open lazily: building one touches neither the file nor the network.
 */
import type { SluiceConfig } from '../../config/config.ts';
import type { Warehouse } from '../../ports/warehouse.ts';

/** What the caller of `openWarehouse` may tune beyond the configuration. */
export interface OpenWarehouseOptions {
  /**
   * DuckDB: keep the database open this long (ms) after the warehouse closes, for this process's next
   * warehouse (the next task on the in-process executor). Default 0. Ignored by BigQuery.
   */
  readonly keepOpenMs?: number;
}

let duckDbLoaded = false;

/** Open (lazily) the warehouse named by `config.warehouse.kind`. */
export async function openWarehouse(
  config: SluiceConfig,
  options: OpenWarehouseOptions = {},
): Promise<Warehouse> {
  if (config.warehouse.kind === 'bigquery') {
    const { BigQueryWarehouse } = await import('./bigquery/bigquery-warehouse.ts');
    const { bigQueryOptionsFromConfig } = await import('./bigquery/bigquery-config.ts');
    return new BigQueryWarehouse(bigQueryOptionsFromConfig(config));
  }
  const { DuckDbWarehouse } = await import('./duckdb/duckdb-warehouse.ts');
  const { duckDbOptionsFromConfig } = await import('./duckdb/duckdb-config.ts');
  duckDbLoaded = true;
  return new DuckDbWarehouse({
    ...duckDbOptionsFromConfig(config),
    ...(options.keepOpenMs ? { keepOpenMs: options.keepOpenMs } : {}),
  });
}

/** Close the warehouses this process only keeps open for a next task (`keepOpenMs`): frees DuckDB's file. */
export async function closeIdleWarehouses(): Promise<void> {
  if (!duckDbLoaded) return;
  const { closeIdleInstances } = await import('./duckdb/duckdb-instances.ts');
  closeIdleInstances();
}
