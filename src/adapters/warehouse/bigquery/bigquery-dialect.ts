/**
 * BigQuery text and schemas the adapter generates itself: qualified names, DDL with partitioning and
 * clustering, and the REST `TableSchema` of a `TableDefinition` (for tables.insert and load jobs). Template
 * macros of this dialect live in `src/sql/macros/bigquery-macros.ts`; types in `src/sql/column-types.ts`.
 */
import type { ColumnDefinition, TableDefinition } from '../../../ports/table-definition.ts';
import { sqlTypeName } from '../../../sql/column-types.ts';

/** `` `project.dataset.table` `` (backticks, so project ids with dashes work). */
export function qualifyBigQuery(project: string, dataset: string, table: string): string {
  return `\`${project}.${dataset}.${table}\``;
}

/** A BigQuery REST `TableFieldSchema`. */
export interface BigQueryField {
  readonly name: string;
  readonly type: string;
  readonly mode: 'REQUIRED' | 'NULLABLE';
  readonly description?: string;
}

/** Legacy REST type names, as `tables.insert` and load job schemas expect them. */
const REST_TYPES: Readonly<Record<ColumnDefinition['type'], string>> = {
  string: 'STRING',
  int64: 'INTEGER',
  float64: 'FLOAT',
  decimal: 'NUMERIC',
  bool: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
};

/** The REST schema fields of a table (or of the subset of columns a load writes). */
export function bigQueryFields(columns: readonly ColumnDefinition[]): BigQueryField[] {
  return columns.map((c) => ({
    name: c.name,
    type: REST_TYPES[c.type],
    mode: c.mode === 'required' ? 'REQUIRED' : 'NULLABLE',
    ...(c.description ? { description: c.description } : {}),
  }));
}

/** The body of `tables.insert` for a definition: schema, description, time partitioning and clustering. */
export function bigQueryTableResource(
  project: string,
  dataset: string,
  table: TableDefinition,
): Record<string, unknown> {
  const partition = table.partitionBy ? table.columns.find((c) => c.name === table.partitionBy) : undefined;
  return {
    tableReference: { projectId: project, datasetId: dataset, tableId: table.name },
    description: table.description,
    schema: { fields: bigQueryFields(table.columns) },
    ...(partition ? { timePartitioning: { type: 'DAY', field: partition.name } } : {}),
    ...(table.clusterBy?.length ? { clustering: { fields: [...table.clusterBy] } } : {}),
  };
}

function optionString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * `CREATE TABLE IF NOT EXISTS` DDL for a definition (what `tables.insert` creates, for docs and review):
 * NUMERIC money, `PARTITION BY <date column>` (or `DATE(<timestamp>)`), `CLUSTER BY`.
 */
export function bigQueryCreateTableDdl(project: string, dataset: string, table: TableDefinition): string {
  const cols = table.columns.map(
    (c) =>
      `${c.name} ${sqlTypeName('bigquery', c.type)}${c.mode === 'required' ? ' NOT NULL' : ''} OPTIONS(description=${optionString(c.description)})`,
  );
  const partition = table.partitionBy ? table.columns.find((c) => c.name === table.partitionBy) : undefined;
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${qualifyBigQuery(project, dataset, table.name)} (\n  ${cols.join(',\n  ')}\n)`,
  ];
  if (partition)
    lines.push(`PARTITION BY ${partition.type === 'date' ? partition.name : `DATE(${partition.name})`}`);
  if (table.clusterBy?.length) lines.push(`CLUSTER BY ${table.clusterBy.join(', ')}`);
  lines.push(`OPTIONS(description=${optionString(table.description)})`);
  return lines.join('\n');
}
