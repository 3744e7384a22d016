/**
 * DuckDB result rows in the port's conventions (see `Row`): integers as numbers when safe, decimals as
 * minimal strings, timestamps as ISO-8601 UTC, dates as `YYYY-MM-DD`.
 */
import { type DuckDBResultReader, DuckDBTypeId } from '@duckdb/node-api';
import type { Row } from '../../../ports/warehouse.ts';
import { normalizeDecimal, normalizeInteger, normalizeTimestamp } from '../row-values.ts';

const INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);
const TIMESTAMP_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

/** Every row of a fully read result, as plain objects. */
export function duckDbRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  const convert = reader.columnTypes().map((t) => {
    if (INTEGER_TYPES.has(t.typeId))
      return (v: unknown) => (v === null ? null : normalizeInteger(v as string));
    if (t.typeId === DuckDBTypeId.DECIMAL)
      return (v: unknown) => (v === null ? null : normalizeDecimal(String(v)));
    if (TIMESTAMP_TYPES.has(t.typeId))
      return (v: unknown) => (v === null ? null : normalizeTimestamp(String(v)));
    return (v: unknown) => v;
  });
  return reader.getRowsJson().map((values) => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = convert[i]!(values[i]);
    return row;
  });
}
