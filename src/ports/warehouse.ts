/**
 * The warehouse port: where every byte of pipeline data is loaded, validated, merged and aggregated.
 * The orchestrator only passes names, SQL text and small parameter values through it (ELT, not ETL).
 * Our own types only: no vendor type crosses this boundary.
 */
import type { TableDefinition } from './table-definition.ts';

/** The SQL dialects Sluice renders for. */
export type Dialect = 'duckdb' | 'bigquery';

/** A value bound to a named parameter (`@name` in rendered SQL). Dates bind as TIMESTAMP, strings as STRING. */
export type SqlValue = string | number | bigint | boolean | null | Date | readonly SqlValue[];

/** Named parameters of one statement. */
export type SqlParams = Readonly<Record<string, SqlValue>>;

/** A row as returned by `query`: DECIMAL/NUMERIC as string, INT64 as number when safe else string, TIMESTAMP as ISO string, DATE as `YYYY-MM-DD`. */
export type Row = Record<string, unknown>;

/** Identity attached to warehouse work so that a retried try re-attaches instead of running twice (BigQuery job ids, labels). */
export interface WorkIdentity {
  /** Deterministic prefix, e.g. `sluice_order_processing_incremental_load_20260101T0000_try1`. */
  readonly jobIdPrefix: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface StatementOptions {
  readonly params?: SqlParams;
  readonly identity?: WorkIdentity;
  /** Aborts the statement (DuckDB interrupt, BigQuery job cancel) when the task's signal fires. */
  readonly signal?: AbortSignal;
}

export interface StatementResult {
  /** Rows inserted/updated/deleted, where the engine reports it. */
  readonly rowsAffected?: number;
  /** Bytes processed (BigQuery) where the engine reports it. */
  readonly bytesProcessed?: number;
  /** Engine job id(s), for logs. */
  readonly jobIds?: readonly string[];
}

export interface QueryResult<R extends Row = Row> extends StatementResult {
  readonly rows: R[];
}

/** Load each line of newline-delimited text objects as one row: `(source_file, line_number, raw_line)` plus constant columns. */
export interface LoadLinesRequest {
  /** Object URIs as given by `ObjectStore.uri()` (file paths locally, `gs://` on GCS). `.gz` is decompressed. */
  readonly uris: readonly string[];
  /** Target table (unqualified name, in the configured dataset). Rows are appended. */
  readonly table: string;
  /** Constant columns added to every row, e.g. `{ batch_id: 'b1' }`. */
  readonly constants?: SqlParams;
  /** Map from URI to the object name stored in `source_file` (defaults to the URI). */
  readonly sourceNames?: Readonly<Record<string, string>>;
  /** Constant columns per URI, added to that file's rows (e.g. `{ landed_at }` from the file ledger). */
  readonly fileConstants?: Readonly<Record<string, SqlParams>>;
}

/** Load CSV objects with a header row into a table whose columns are all text. */
export interface LoadCsvRequest {
  readonly uris: readonly string[];
  readonly table: string;
  /** Expected header columns in order; the load fails naming the object and column when the header differs. */
  readonly columns: readonly string[];
  readonly constants?: SqlParams;
  readonly sourceNames?: Readonly<Record<string, string>>;
}

export interface LoadResult extends StatementResult {
  readonly rowsLoaded: number;
}

/** Export the rows of a query as one CSV object with a header row. */
export interface ExportCsvRequest {
  readonly sql: string;
  readonly params?: SqlParams;
  /** Destination URI as given by `ObjectStore.uri()`; overwritten atomically. */
  readonly uri: string;
}

export interface EnsureResult {
  readonly created: readonly string[];
  readonly unchanged: readonly string[];
  /** Existing tables that were completed: columns added to the definition since, or missing seed rows. */
  readonly updated?: readonly string[];
}

/** What an engine can do differently; code asks the adapter instead of testing the dialect name. */
export interface WarehouseCapabilities {
  /** Only one process may open the warehouse at a time (DuckDB file): warehouse tasks run in a 1-slot pool. */
  readonly singleWriter: boolean;
  /** The engine can estimate bytes processed without running (BigQuery dry run). */
  readonly dryRun: boolean;
}

/** A warehouse session. Adapters open lazily and release everything on `close()`. */
export interface Warehouse {
  readonly dialect: Dialect;
  readonly capabilities: WarehouseCapabilities;
  /** Dataset (BigQuery) or schema (DuckDB) that holds the pipeline tables. */
  readonly dataset: string;

  /** Run one statement and return its rows. */
  query<R extends Row = Row>(sql: string, options?: StatementOptions): Promise<QueryResult<R>>;
  /** Run a statement or a multi-statement script (`;`-separated) for its effects, atomically where the engine allows. */
  execute(sql: string, options?: StatementOptions): Promise<StatementResult>;
  /** Estimate what a statement would process without running it (only when `capabilities.dryRun`). */
  dryRun(sql: string, options?: StatementOptions): Promise<{ bytesProcessed: number }>;

  loadLines(request: LoadLinesRequest, options?: StatementOptions): Promise<LoadResult>;
  loadCsv(request: LoadCsvRequest, options?: StatementOptions): Promise<LoadResult>;
  exportCsv(request: ExportCsvRequest, options?: StatementOptions): Promise<{ rowsExported: number }>;

  /** Create the dataset and these tables if absent; never drops or rewrites existing ones. */
  ensureTables(tables: readonly TableDefinition[]): Promise<EnsureResult>;
  /** Fully qualified, quoted name of a pipeline table in this dialect (what `ref()` renders to). */
  qualify(table: string): string;

  close(): Promise<void>;
}
