/**
 * Builds the configured warehouse adapter. The composition root (CLI, worker, task runner) calls this;
 * nothing else names an adapter. Adapters open lazily: building one touches neither the file nor the network.
 */
import type { SluiceConfig } from '../../config/config.ts';
import type { Warehouse } from '../../ports/warehouse.ts';

/** Open (lazily) the warehouse named by `config.warehouse.kind`. */
export async function openWarehouse(config: SluiceConfig): Promise<Warehouse> {
  if (config.warehouse.kind === 'bigquery') {
    const { BigQueryWarehouse } = await import('./bigquery/bigquery-warehouse.ts');
    const { bigQueryOptionsFromConfig } = await import('./bigquery/bigquery-config.ts');
    return new BigQueryWarehouse(bigQueryOptionsFromConfig(config));
  }
  const { DuckDbWarehouse } = await import('./duckdb/duckdb-warehouse.ts');
  const { duckDbOptionsFromConfig } = await import('./duckdb/duckdb-config.ts');
  return new DuckDbWarehouse(duckDbOptionsFromConfig(config));
}
