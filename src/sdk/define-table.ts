/**
 * `defineTable`: the one typed description of a warehouse table, from which DDL (per dialect), BigQuery load
 * schemas and `docs/data-dictionary.md` are generated. Pure: validates and returns a frozen definition.
 */
import { TableDefinitionError } from '../core/errors/table-definition-error.ts';
import type { ColumnDefinition, ColumnType, SeedRow, TableDefinition } from '../ports/table-definition.ts';

/** One column as written in `tables/<table>.ts`: the column name is the key of `columns`. */
export interface ColumnSpec {
  readonly type: ColumnType;
  /** NOT NULL (`REQUIRED` on BigQuery). Default false. */
  readonly required?: boolean;
  readonly description: string;
  /** DuckDB only: store without compression (see `ColumnDefinition.uncompressed`). Default false. */
  readonly uncompressed?: boolean;
}

export interface TableSpec {
  readonly name: string;
  readonly description: string;
  /** Columns in table order (object key order). */
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly primaryKey: readonly string[];
  readonly partitionBy?: string;
  readonly clusterBy?: readonly string[];
  readonly seed?: readonly SeedRow[];
}

const IDENT = /^[a-z][a-z0-9_]*$/;
const TYPES: readonly ColumnType[] = [
  'string',
  'int64',
  'float64',
  'decimal',
  'bool',
  'date',
  'timestamp',
  'json',
];

/**
 * Describe a warehouse table once.
 *
 * @example
 * export default defineTable({
 *   name: 'ref_state_regions', description: 'US state -> sales region',
 *   columns: { state: { type: 'string', required: true, description: 'Two-letter code' } },
 *   primaryKey: ['state'],
 * });
 */
export function defineTable(spec: TableSpec): TableDefinition {
  const where = `table ${spec.name}`;
  if (!IDENT.test(spec.name))
    throw new TableDefinitionError(`${where}: the name must be snake_case (letters, digits, _)`);
  const columns: ColumnDefinition[] = Object.entries(spec.columns).map(([name, c]) => {
    if (!IDENT.test(name))
      throw new TableDefinitionError(`${where}: column ${name} must be snake_case (letters, digits, _)`);
    if (!TYPES.includes(c.type))
      throw new TableDefinitionError(
        `${where}: column ${name} has unknown type ${String(c.type)} (use one of ${TYPES.join(', ')})`,
      );
    if (!c.description?.trim())
      throw new TableDefinitionError(
        `${where}: column ${name} needs a description (it goes to the data dictionary)`,
      );
    return Object.freeze({
      name,
      type: c.type,
      mode: c.required ? 'required' : 'nullable',
      description: c.description,
      ...(c.uncompressed ? { uncompressed: true } : {}),
    });
  });
  if (columns.length === 0) throw new TableDefinitionError(`${where}: define at least one column`);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const need = (what: string, name: string) => {
    if (!byName.has(name)) throw new TableDefinitionError(`${where}: ${what} names unknown column ${name}`);
    return byName.get(name)!;
  };
  if (spec.primaryKey.length === 0)
    throw new TableDefinitionError(`${where}: primaryKey must name at least one column`);
  for (const k of spec.primaryKey) need('primaryKey', k);
  if (spec.partitionBy !== undefined) {
    const p = need('partitionBy', spec.partitionBy);
    if (p.type !== 'date' && p.type !== 'timestamp')
      throw new TableDefinitionError(`${where}: partitionBy column ${p.name} must be a date or timestamp`);
  }
  if ((spec.clusterBy?.length ?? 0) > 4)
    throw new TableDefinitionError(`${where}: BigQuery allows at most 4 clusterBy columns`);
  for (const k of spec.clusterBy ?? []) need('clusterBy', k);
  for (const [i, row] of (spec.seed ?? []).entries()) {
    for (const k of Object.keys(row)) need(`seed row ${i + 1}`, k);
    for (const c of columns)
      if (c.mode === 'required' && (row[c.name] === undefined || row[c.name] === null))
        throw new TableDefinitionError(`${where}: seed row ${i + 1} lacks required column ${c.name}`);
  }
  const table: TableDefinition = {
    name: spec.name,
    description: spec.description,
    columns: Object.freeze(columns),
    primaryKey: Object.freeze([...spec.primaryKey]),
    ...(spec.partitionBy !== undefined ? { partitionBy: spec.partitionBy } : {}),
    ...(spec.clusterBy !== undefined ? { clusterBy: Object.freeze([...spec.clusterBy]) } : {}),
    ...(spec.seed !== undefined
      ? { seed: Object.freeze(spec.seed.map((r) => Object.freeze({ ...r }))) }
      : {}),
  };
  return Object.freeze(table);
}
