/**
 * A warehouse table described once, in our own types, and rendered to DDL per dialect, to BigQuery load
 * schemas and to the data dictionary. Pipeline tables live in `tables/<table>.ts` (file name = table name).
 */

/** Logical column types; each adapter maps them (NUMERIC on BigQuery, DECIMAL(38,9) on DuckDB for `decimal`). */
export type ColumnType = 'string' | 'int64' | 'float64' | 'decimal' | 'bool' | 'date' | 'timestamp' | 'json';

export type ColumnMode = 'required' | 'nullable';

export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  readonly mode: ColumnMode;
  readonly description: string;
  /**
   * DuckDB only: store the column without compression. For wide working columns that are written once and
   * read a few times (raw lines): compressing 500 MB of JSON text costs more time than the disk it saves.
   * BigQuery ignores it.
   */
  readonly uncompressed?: boolean;
}

export interface TableDefinition {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ColumnDefinition[];
  /** Logical key (documentation and MERGE keys; not enforced by BigQuery). */
  readonly primaryKey: readonly string[];
  /** BigQuery only: `PARTITION BY <column>` (a DATE column, or a TIMESTAMP truncated to day). */
  readonly partitionBy?: string;
  /** BigQuery only: `CLUSTER BY` columns. */
  readonly clusterBy?: readonly string[];
  /**
   * Reference rows that `ensureTables` inserts when their primary key is absent (reference tables such as
   * `ref_state_regions`); existing rows are never changed.
   */
  readonly seed?: readonly SeedRow[];
}

/** One row of a reference table's seed, keyed by column name. */
export type SeedRow = Readonly<Record<string, string | number | boolean | null>>;
