/**
 * `defineDag`: a DAG in `dags/<dag_id>.ts` (file name = DAG id). Declarative and serializable; the loader
 * validates it (`compileDag`) and reports every problem with the file and field.
 */
import type { DagDefinition } from '../core/dag/dag-definition.ts';

const DAG_MARK = Symbol.for('sluice.dag');

/**
 * Define a DAG.
 *
 * @example export default defineDag({ schedule: '0 2 * * *', startDate: '2026-01-01T00:00:00Z', tasks: { a: { job: 'noop' } } })
 */
export function defineDag<const D extends DagDefinition>(definition: D): D {
  const out = { ...definition };
  Object.defineProperty(out, DAG_MARK, { value: true, enumerable: false });
  return Object.freeze(out);
}

/** True for the value of `defineDag(...)`. */
export function isDagDefinition(value: unknown): value is DagDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DAG_MARK] === true;
}
