/**
 * String literals for constants that are part of the SQL text itself (JSON paths, regex patterns, date parts),
 * never for data values: those are bound parameters.
 */
import type { Dialect } from '../ports/warehouse.ts';

/**
 * Quote `text` as a string literal of the dialect.
 *
 * @example sqlStringLiteral('duckdb', "it's") // 'it''s'
 */
export function sqlStringLiteral(dialect: Dialect, text: string): string {
  if (dialect === 'bigquery') {
    // BigQuery string literals treat backslash as an escape character.
    return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  }
  return `'${text.replace(/'/g, "''")}'`;
}
