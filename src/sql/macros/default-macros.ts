/**
 * Portable implementations (`default__<name>`): used by every dialect that has no `<dialect>__<name>`.
 */
import { isColumnType, sqlTypeName } from '../column-types.ts';
import { arity, choiceArg, type MacroRegistry, sqlArg } from './macro.ts';

export const defaultMacros: MacroRegistry = {
  /** `date_of(ts)`: the UTC calendar date of a TIMESTAMP. */
  default__date_of(call, ...args) {
    arity(call, args, 1);
    return `CAST(${sqlArg(call, 1, args[0])} AS DATE)`;
  },

  /** `sql_type('decimal')`: the dialect's SQL type of a logical column type. */
  default__sql_type(call, ...args) {
    arity(call, args, 1);
    const t = args[0];
    if (!isColumnType(t))
      return choiceArg(call, 1, t, [
        'string',
        'int64',
        'float64',
        'decimal',
        'bool',
        'date',
        'timestamp',
        'json',
      ]);
    return sqlTypeName(call.dialect, t);
  },
};
