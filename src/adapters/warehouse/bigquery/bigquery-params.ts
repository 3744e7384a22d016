/**
 * Named query parameters in the REST shape (`QueryParameter`), typed explicitly from the JS values so that a
 * retried job sends exactly the same request: strings STRING, safe integers and bigints INT64, other
 * numbers FLOAT64, booleans BOOL, Dates TIMESTAMP, arrays ARRAY<...>; NULL binds as a STRING NULL (CAST it in
 * SQL when another type is needed). Struct rows (internal: seeds, per-file constants) bind as ARRAY<STRUCT>.
 */
import type { SqlParams, SqlValue } from '../../../ports/warehouse.ts';

export interface QueryParameterType {
  readonly type: string;
  readonly arrayType?: QueryParameterType;
  readonly structTypes?: readonly { name: string; type: QueryParameterType }[];
}

export interface QueryParameterValue {
  readonly value?: string;
  readonly arrayValues?: readonly QueryParameterValue[];
  readonly structValues?: Readonly<Record<string, QueryParameterValue>>;
}

export interface QueryParameter {
  readonly name: string;
  readonly parameterType: QueryParameterType;
  readonly parameterValue: QueryParameterValue;
}

/** A list of rows bound as ARRAY<STRUCT<...>> with the given field types (BigQuery type names). */
export interface StructRows {
  readonly kind: 'struct-rows';
  readonly fields: readonly { name: string; type: string }[];
  readonly rows: readonly Readonly<Record<string, SqlValue>>[];
}

/** Wrap rows to bind them as an ARRAY<STRUCT> parameter. */
export function structRows(fields: StructRows['fields'], rows: StructRows['rows']): StructRows {
  return { kind: 'struct-rows', fields, rows };
}

function scalarType(value: SqlValue): string {
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'INT64' : 'FLOAT64';
  if (typeof value === 'boolean') return 'BOOL';
  if (value instanceof Date) return 'TIMESTAMP';
  return 'STRING';
}

/** `2026-01-02 03:04:05.678000+00:00`, the TIMESTAMP literal form BigQuery parameters accept. */
export function timestampParamValue(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace('T', ' ')}000+00:00`;
}

function scalarValue(value: SqlValue): QueryParameterValue {
  if (value === null) return {};
  if (value instanceof Date) return { value: timestampParamValue(value) };
  return { value: String(value) };
}

function typeOf(value: SqlValue): QueryParameterType {
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null);
    return { type: 'ARRAY', arrayType: first === undefined ? { type: 'STRING' } : typeOf(first) };
  }
  return { type: scalarType(value as SqlValue) };
}

function parameterValueOf(value: SqlValue): QueryParameterValue {
  if (Array.isArray(value)) return { arrayValues: value.map((v) => parameterValueOf(v)) };
  return scalarValue(value as SqlValue);
}

/** REST `queryParameters` for named parameters. */
export function toQueryParameters(
  params: SqlParams | Readonly<Record<string, SqlValue | StructRows>> | undefined,
): QueryParameter[] {
  return Object.entries(params ?? {}).map(([name, value]) => {
    if (isStructRows(value)) {
      const structTypes = value.fields.map((f) => ({ name: f.name, type: { type: f.type } }));
      return {
        name,
        parameterType: { type: 'ARRAY', arrayType: { type: 'STRUCT', structTypes } },
        parameterValue: {
          arrayValues: value.rows.map((row) => ({
            structValues: Object.fromEntries(
              value.fields.map((f) => [f.name, scalarValue(row[f.name] ?? null)]),
            ),
          })),
        },
      };
    }
    return { name, parameterType: typeOf(value), parameterValue: parameterValueOf(value) };
  });
}

function isStructRows(value: unknown): value is StructRows {
  return typeof value === 'object' && value !== null && (value as StructRows).kind === 'struct-rows';
}
