/**
 * DuckDB SQL text the adapter generates itself: identifier quoting, DDL from a `TableDefinition`, and the
 * read_csv options that turn any text file into one VARCHAR column per physical line. The template macros of
 * this dialect live in `src/sql/macros/duckdb-macros.ts`; types come from `src/sql/column-types.ts`.
 */
import type { ColumnDefinition, TableDefinition } from '../../../ports/table-definition.ts';
import { sqlTypeName } from '../../../sql/column-types.ts';

/** `"name"` with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"dataset"."table"`. */
export function qualifyDuckDb(dataset: string, table: string): string {
  return `${quoteIdent(dataset)}.${quoteIdent(table)}`;
}

/** `'text'` as a DuckDB string literal (for DDL comments and read_csv options, never for data values). */
export function duckDbLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function columnDdl(c: ColumnDefinition): string {
  return `${quoteIdent(c.name)} ${sqlTypeName('duckdb', c.type)}${c.mode === 'required' ? ' NOT NULL' : ''}${c.uncompressed ? ' USING COMPRESSION uncompressed' : ''}`;
}

/**
 * `CREATE TABLE` plus `COMMENT ON` statements for a table. Keys are documented, not enforced (as on
 * BigQuery): DuckDB's unique indexes would make the DELETE+INSERT replace pattern fail inside one transaction.
 */
export function duckDbCreateTable(dataset: string, table: TableDefinition): string[] {
  const name = qualifyDuckDb(dataset, table.name);
  return [
    `CREATE TABLE ${name} (\n  ${table.columns.map(columnDdl).join(',\n  ')}\n)`,
    `COMMENT ON TABLE ${name} IS ${duckDbLiteral(table.description)}`,
    ...table.columns.map(
      (c) => `COMMENT ON COLUMN ${name}.${quoteIdent(c.name)} IS ${duckDbLiteral(c.description)}`,
    ),
  ];
}

/** `ALTER TABLE ... ADD COLUMN` for a column added to a definition after the table was created (nullable). */
export function duckDbAddColumn(dataset: string, table: string, column: ColumnDefinition): string {
  return `ALTER TABLE ${qualifyDuckDb(dataset, table)} ADD COLUMN ${quoteIdent(column.name)} ${sqlTypeName('duckdb', column.type)}`;
}

/**
 * read_csv options that read each physical line as one VARCHAR `raw_line`: no header, no quoting or escaping,
 * a two-byte delimiter that valid JSON cannot contain (ASCII RS+US), strict mode so a line that does contain
 * it is rejected whole instead of cut, compression from the extension, and the file name.
 */
export function rawLineReadOptions(maxLineBytes: number): string {
  return [
    "columns = {'raw_line': 'VARCHAR'}",
    'header = false',
    "delim = '\x1e\x1f'",
    "quote = ''",
    "escape = ''",
    'auto_detect = false',
    'strict_mode = true',
    "compression = 'auto'",
    'filename = true',
    `max_line_size = ${Math.floor(maxLineBytes)}`,
  ].join(', ');
}

const WHITESPACE = `' ' || chr(9) || chr(13) || chr(11) || chr(12)`;

/**
 * The condition that drops blank lines (empty or only whitespace), which the data contract skips. Only lines
 * that start with whitespace are trimmed: trimming every line costs more than the rest of the load.
 */
export const NOT_BLANK = `raw_line IS NOT NULL AND CASE WHEN contains(${WHITESPACE}, left(raw_line, 1)) THEN trim(raw_line, ${WHITESPACE}) <> '' ELSE true END`;
