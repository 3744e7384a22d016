/**
 * BigQuery implementations (`bigquery__<name>`), GoogleSQL.
 */
import { sqlTypeName } from '../column-types.ts';
import { sqlStringLiteral } from '../sql-literal.ts';
import { arity, choiceArg, dateAddArgs, jsonPathArg, type MacroRegistry, sqlArg } from './macro.ts';

const CAST_TYPES = ['int64', 'decimal', 'float64', 'date', 'timestamp', 'string', 'bool', 'json'] as const;

export const bigqueryMacros: MacroRegistry = {
  bigquery__ts_trunc(call, ...args) {
    arity(call, args, 2);
    const unit = choiceArg(call, 2, args[1], ['minute', 'hour', 'day']);
    return `TIMESTAMP_TRUNC(${sqlArg(call, 1, args[0])}, ${unit.toUpperCase()})`;
  },

  bigquery__date_add(call, ...args) {
    const { expr, n, unit, of } = dateAddArgs(call, args);
    if (of === 'date') {
      return `DATE_ADD(${expr}, INTERVAL ${n} DAY)`;
    }
    return `TIMESTAMP_ADD(${expr}, INTERVAL ${n} ${unit.toUpperCase()})`;
  },

  bigquery__date_diff(call, ...args) {
    arity(call, args, 3);
    choiceArg(call, 3, args[2], ['day']);
    return `DATE_DIFF(${sqlArg(call, 1, args[0])}, ${sqlArg(call, 2, args[1])}, DAY)`;
  },

  bigquery__safe_cast(call, ...args) {
    arity(call, args, 2);
    const type = choiceArg(call, 2, args[1], CAST_TYPES);
    if (type === 'json') return `SAFE.PARSE_JSON(${sqlArg(call, 1, args[0])})`;
    return `SAFE_CAST(${sqlArg(call, 1, args[0])} AS ${sqlTypeName('bigquery', type)})`;
  },

  bigquery__json_value(call, ...args) {
    arity(call, args, 2);
    return `JSON_VALUE(${sqlArg(call, 1, args[0])}, ${sqlStringLiteral('bigquery', jsonPathArg(call, 2, args[1]))})`;
  },

  bigquery__json_query(call, ...args) {
    arity(call, args, 2);
    return `JSON_QUERY(${sqlArg(call, 1, args[0])}, ${sqlStringLiteral('bigquery', jsonPathArg(call, 2, args[1]))})`;
  },

  bigquery__json_query_array(call, ...args) {
    arity(call, args, 2);
    return `JSON_QUERY_ARRAY(${sqlArg(call, 1, args[0])}, ${sqlStringLiteral('bigquery', jsonPathArg(call, 2, args[1]))})`;
  },

  bigquery__current_ts(call, ...args) {
    arity(call, args, 0);
    return 'CURRENT_TIMESTAMP()';
  },

  bigquery__uuid(call, ...args) {
    arity(call, args, 0);
    return 'GENERATE_UUID()';
  },

  bigquery__regexp_matches(call, ...args) {
    arity(call, args, 2);
    return `REGEXP_CONTAINS(${sqlArg(call, 1, args[0])}, ${sqlStringLiteral('bigquery', sqlArg(call, 2, args[1], 'a regular expression (RE2)'))})`;
  },
};
