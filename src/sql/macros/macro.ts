/**
 * The shape of a dialect macro: a function from SQL snippets and literal options to SQL text. Implementations
 * are registered as `<dialect>__<name>` or `default__<name>` and resolved by `resolveMacro` (dbt dispatch).
 */
import { SqlRenderError } from '../../core/errors/sql-render-error.ts';
import type { Dialect } from '../../ports/warehouse.ts';

export interface MacroCall {
  readonly dialect: Dialect;
  /** The macro name as written in the template, e.g. `ts_trunc`. */
  readonly name: string;
}

export type MacroFn = (call: MacroCall, ...args: unknown[]) => string;

/** Implementations keyed `<dialect>__<name>` or `default__<name>`. */
export type MacroRegistry = Readonly<Record<string, MacroFn>>;

/** A macro argument that must be a SQL expression given as text, e.g. `'o.order_timestamp'`. */
export function sqlArg(call: MacroCall, position: number, value: unknown, what = 'a SQL expression'): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string' || value.trim() === '')
    throw new SqlRenderError(
      `${call.name}(): argument ${position} must be ${what} given as a string, got ${describe(value)}`,
    );
  return value;
}

/** A macro argument that must be one of `allowed` (a date part, a type name). */
export function choiceArg<T extends string>(
  call: MacroCall,
  position: number,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new SqlRenderError(
      `${call.name}(): argument ${position} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  return value as T;
}

/** Fail when a macro gets more or fewer arguments than it accepts. */
export function arity(call: MacroCall, args: readonly unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max)
    throw new SqlRenderError(
      `${call.name}() takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`,
    );
}

/** A JSONPath both engines read the same way: `$`, `.key` and `[index]` steps only. */
export function jsonPathArg(call: MacroCall, position: number, value: unknown): string {
  if (typeof value !== 'string' || !/^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/.test(value))
    throw new SqlRenderError(
      `${call.name}(): argument ${position} must be a JSONPath like '$.a.b' or '$.items[0]', got ${describe(value)}`,
    );
  return value;
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
}

/** The arguments of `date_add(expr, n, unit[, 'date'|'timestamp'])`, checked once for every dialect. */
export function dateAddArgs(
  call: MacroCall,
  args: readonly unknown[],
): { expr: string; n: string; unit: 'day' | 'hour' | 'minute'; of: 'date' | 'timestamp' } {
  arity(call, args, 3, 4);
  const unit = choiceArg(call, 3, args[2], ['day', 'hour', 'minute'] as const);
  const of =
    args[3] === undefined
      ? unit === 'day'
        ? 'date'
        : 'timestamp'
      : choiceArg(call, 4, args[3], ['date', 'timestamp'] as const);
  const expr = sqlArg(call, 1, args[0]);
  const n = sqlArg(call, 2, args[1], 'an integer SQL expression');
  if (of === 'date' && unit !== 'day') choiceArg(call, 3, unit, ['day'] as const);
  return { expr, n, unit, of };
}
