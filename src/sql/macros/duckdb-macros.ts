/**
 * DuckDB implementations (`duckdb__<name>`). The adapter runs every session with `TimeZone = 'UTC'`, which
 * these rely on for naive timestamps and `current_ts()`.
 */
import { sqlTypeName } from '../column-types.ts';
import { sqlStringLiteral } from '../sql-literal.ts';
import { arity, choiceArg, dateAddArgs, jsonPathArg, type MacroRegistry, sqlArg } from './macro.ts';

const CAST_TYPES = ['int64', 'decimal', 'float64', 'date', 'timestamp', 'string', 'bool', 'json'] as const;

export const duckdbMacros: MacroRegistry = {
  duckdb__ts_trunc(call, ...args) {
    arity(call, args, 2);
    const unit = choiceArg(call, 2, args[1], ['minute', 'hour', 'day']);
    return `date_trunc('${unit}', ${sqlArg(call, 1, args[0])})`;
  },

  duckdb__date_add(call, ...args) {
    const { expr, n, unit, of } = dateAddArgs(call, args);
    if (of === 'date') {
      return `CAST(${expr} + to_days(CAST(${n} AS INTEGER)) AS DATE)`;
    }
    return `(${expr} + to_${unit}s(CAST(${n} AS BIGINT)))`;
  },

  duckdb__date_diff(call, ...args) {
    arity(call, args, 3);
    choiceArg(call, 3, args[2], ['day']);
    return `date_diff('day', ${sqlArg(call, 2, args[1])}, ${sqlArg(call, 1, args[0])})`;
  },

  duckdb__safe_cast(call, ...args) {
    arity(call, args, 2);
    const expr = sqlArg(call, 1, args[0]);
    const type = choiceArg(call, 2, args[1], CAST_TYPES);
    // Through TIMESTAMPTZ so that an explicit offset is honoured and a naive value reads as UTC, like BigQuery.
    if (type === 'timestamp') return `CAST(TRY_CAST(${expr} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    return `TRY_CAST(${expr} AS ${sqlTypeName('duckdb', type)})`;
  },

  duckdb__json_value(call, ...args) {
    arity(call, args, 2);
    const expr = sqlArg(call, 1, args[0]);
    const path = sqlStringLiteral('duckdb', jsonPathArg(call, 2, args[1]));
    // json_extract_string alone returns objects/arrays as JSON text; BigQuery's JSON_VALUE returns NULL there.
    return `(CASE WHEN json_type(${expr}, ${path}) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(${expr}, ${path}) END)`;
  },

  duckdb__json_query(call, ...args) {
    arity(call, args, 2);
    return `CAST(json_extract(${sqlArg(call, 1, args[0])}, ${sqlStringLiteral('duckdb', jsonPathArg(call, 2, args[1]))}) AS VARCHAR)`;
  },

  duckdb__json_query_array(call, ...args) {
    arity(call, args, 2);
    const path = jsonPathArg(call, 2, args[1]);
    return `CAST(json_extract(${sqlArg(call, 1, args[0])}, ${sqlStringLiteral('duckdb', `${path}[*]`)}) AS VARCHAR[])`;
  },

  duckdb__current_ts(call, ...args) {
    arity(call, args, 0);
    return 'CAST(current_timestamp AS TIMESTAMP)';
  },

  duckdb__uuid(call, ...args) {
    arity(call, args, 0);
    return 'CAST(uuid() AS VARCHAR)';
  },

  duckdb__regexp_matches(call, ...args) {
    arity(call, args, 2);
    return `regexp_matches(${sqlArg(call, 1, args[0])}, ${sqlStringLiteral('duckdb', sqlArg(call, 2, args[1], 'a regular expression (RE2)'))})`;
  },
};
