/**
 * Rows parsed by the BigQuery client (`wrapIntegers: true`) in the port's conventions (see `Row`), the same
 * as DuckDB's: INT64 as a number when safe else a string, NUMERIC as a minimal decimal string, TIMESTAMP as
 * ISO-8601 UTC with microseconds, DATE as `YYYY-MM-DD`.
 */
import type { Row } from '../../../ports/warehouse.ts';
import { normalizeDecimal, normalizeInteger, normalizeTimestamp } from '../row-values.ts';

interface SchemaField {
  readonly name: string;
  readonly type: string;
  readonly mode?: string;
  readonly fields?: readonly SchemaField[];
}

function convert(field: SchemaField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED' && Array.isArray(value))
    return value.map((v) => convert({ ...field, mode: 'NULLABLE' }, v));
  switch (field.type) {
    case 'INTEGER':
    case 'INT64':
      return normalizeInteger(String(unwrap(value)));
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return normalizeDecimal(
        typeof (value as { toFixed?: unknown }).toFixed === 'function'
          ? (value as { toFixed(): string }).toFixed()
          : String(value),
      );
    case 'TIMESTAMP':
      return normalizeTimestamp(String(unwrap(value)));
    case 'DATE':
    case 'DATETIME':
    case 'TIME':
      return String(unwrap(value));
    case 'RECORD':
    case 'STRUCT':
      return convertRow(field.fields ?? [], value as Record<string, unknown>);
    default:
      return unwrap(value);
  }
}

function unwrap(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'value' in value
    ? (value as { value: unknown }).value
    : value;
}

function convertRow(fields: readonly SchemaField[], row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const f of fields) out[f.name] = convert(f, row[f.name]);
  return out;
}

/** Convert the client's parsed rows using the result schema. */
export function bigQueryRows(
  schema: { fields?: readonly SchemaField[] } | undefined,
  rows: readonly Record<string, unknown>[],
): Row[] {
  const fields = schema?.fields ?? [];
  return rows.map((r) => convertRow(fields, r));
}
