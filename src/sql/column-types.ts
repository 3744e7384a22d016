/**
 * Logical column types (`ColumnType`) to each dialect's SQL type name: one map used by DDL, load schemas and
 * the `sql_type()` / `safe_cast()` macros, so money is DECIMAL(38,9) / NUMERIC everywhere.
 */
import type { ColumnType } from '../ports/table-definition.ts';
import type { Dialect } from '../ports/warehouse.ts';

const TYPE_NAMES: Readonly<Record<Dialect, Readonly<Record<ColumnType, string>>>> = {
  duckdb: {
    string: 'VARCHAR',
    int64: 'BIGINT',
    float64: 'DOUBLE',
    decimal: 'DECIMAL(38,9)',
    bool: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    json: 'JSON',
  },
  bigquery: {
    string: 'STRING',
    int64: 'INT64',
    float64: 'FLOAT64',
    decimal: 'NUMERIC',
    bool: 'BOOL',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    json: 'JSON',
  },
};

/** Every logical column type, for messages and validation. */
export const COLUMN_TYPES = Object.keys(TYPE_NAMES.duckdb) as ColumnType[];

/**
 * The SQL type of a logical column type in a dialect.
 *
 * @example sqlTypeName('bigquery', 'decimal') // 'NUMERIC'
 */
export function sqlTypeName(dialect: Dialect, type: ColumnType): string {
  return TYPE_NAMES[dialect][type];
}

/** True when `value` is a logical column type name. */
export function isColumnType(value: unknown): value is ColumnType {
  return typeof value === 'string' && (COLUMN_TYPES as string[]).includes(value);
}
