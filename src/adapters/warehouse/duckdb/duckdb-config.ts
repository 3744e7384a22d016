/**
 * Options of the DuckDB warehouse, compiled from `SluiceConfig` (`config.warehouse.duckdb`, `config.dataset`).
 */
import type { SluiceConfig } from '../../../config/config.ts';

export interface DuckDbWarehouseOptions {
  /** The database file; `:memory:` for a throwaway warehouse. */
  readonly path: string;
  /** Schema holding the pipeline tables. */
  readonly dataset: string;
  /** DuckDB `memory_limit`, e.g. `4GB`. */
  readonly memoryLimit?: string;
  /** DuckDB `threads`. */
  readonly threads?: number;
  /**
   * DuckDB `block_allocator_memory`, e.g. `1GB`: memory DuckDB keeps for its blocks while the database is open
   * instead of returning it to the OS and faulting it in again (ADR 0022). Unset: DuckDB's default (none).
   */
  readonly blockAllocatorMemory?: string;
  /** How long to keep retrying while another process holds the file lock (ms). Default 5000. */
  readonly lockTimeoutMs?: number;
  /**
   * How long this process keeps the database open after its last session closed, for the next one (ms).
   * Default 0: closed at once, which frees the file for other processes. The in-process executor's tries
   * use a short time, so the next task of a run finds DuckDB and its cache warm (ADR 0021).
   */
  readonly keepOpenMs?: number;
  /** Longest line `loadLines` reads whole (bytes). Default 32 MiB; longer lines are loaded as DuckDB reports them. */
  readonly maxLineBytes?: number;
}

/** Default longest line: orders are kilobytes; this leaves room for pathological ones without huge buffers. */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

/**
 * DuckDB options from the compiled configuration.
 *
 * @example duckDbOptionsFromConfig(await loadConfig()) // { path: '.sluice/warehouse.duckdb', dataset: 'ecommerce_data' }
 */
export function duckDbOptionsFromConfig(config: SluiceConfig): DuckDbWarehouseOptions {
  const d = config.warehouse.duckdb;
  return {
    path: d.path,
    dataset: config.dataset,
    ...(d.memoryLimit ? { memoryLimit: d.memoryLimit } : {}),
    ...(d.threads ? { threads: d.threads } : {}),
    ...(d.blockAllocatorMemory ? { blockAllocatorMemory: d.blockAllocatorMemory } : {}),
  };
}
