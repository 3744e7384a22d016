/**
 * dbt-style macro dispatch: `<dialect>__<name>` first, then `default__<name>`; a miss lists every name searched.
 */
import type { Dialect } from '../ports/warehouse.ts';
import { bigqueryMacros } from './macros/bigquery-macros.ts';
import { defaultMacros } from './macros/default-macros.ts';
import { duckdbMacros } from './macros/duckdb-macros.ts';
import type { MacroFn, MacroRegistry } from './macros/macro.ts';

/** Every built-in implementation, of every dialect. */
export const builtinMacros: MacroRegistry = { ...defaultMacros, ...duckdbMacros, ...bigqueryMacros };

/** The names a call of `name` looks up, in order. */
export function macroSearchOrder(name: string, dialect: Dialect): string[] {
  return [`${dialect}__${name}`, `default__${name}`];
}

/** The public macro names (without dialect prefix) that exist for at least one dialect or by default. */
export function macroNames(registry: MacroRegistry = builtinMacros): string[] {
  return [...new Set(Object.keys(registry).map((k) => k.replace(/^[a-z]+__/, '')))].sort();
}

/**
 * Resolve a macro for a dialect.
 *
 * @example resolveMacro('ts_trunc', 'duckdb') // { fn: duckdb__ts_trunc, searched: ['duckdb__ts_trunc'] }
 */
export function resolveMacro(
  name: string,
  dialect: Dialect,
  registry: MacroRegistry = builtinMacros,
): { fn: MacroFn | undefined; searched: string[] } {
  const searched: string[] = [];
  for (const candidate of macroSearchOrder(name, dialect)) {
    searched.push(candidate);
    const fn = Object.hasOwn(registry, candidate) ? registry[candidate] : undefined;
    if (fn) return { fn, searched };
  }
  return { fn: undefined, searched };
}
