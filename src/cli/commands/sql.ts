/**
 * `sluice sql render <name> --dialect duckdb|bigquery [--var k=v]...`: print the final SQL of a template, as
 * a job would run it (relations qualified for the configured dataset, parameters as `$name` / `@name`).
 */
import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import type { Dialect } from '../../ports/warehouse.ts';

interface RenderFlags {
  dialect?: string;
  var?: string[];
}

/** `--var k=v`: the value is JSON when it parses (numbers, lists, booleans), else the text itself. */
export function parseVars(pairs: readonly string[]): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SluiceError('E_USAGE', `--var expects name=value, got ${JSON.stringify(pair)}`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Plain text, e.g. --var entity=products
    }
    vars[pair.slice(0, eq)] = value;
  }
  return vars;
}

/** Register `sluice sql`. */
export function register(program: Command): void {
  const sql = program.command('sql').description('SQL templates of sql/ and quality/');
  sql
    .command('render')
    .description('print the final SQL of a template for a dialect, e.g. sluice sql render sql/orders/publish')
    .argument(
      '<name>',
      'template path without .sql, relative to the project, e.g. quality/orders/amount_mismatch',
    )
    .option('--dialect <dialect>', 'duckdb | bigquery (default: the configured warehouse)')
    .option('--var <name=value>', 'a template variable (repeatable); JSON values allowed', collect, [])
    .action(async (name: string, flags: RenderFlags) => {
      const { loadConfig } = await import('../../config/config.ts');
      const { createSqlRenderer } = await import('../../sql/sql-renderer.ts');
      const config = await loadConfig();
      const dialect = (flags.dialect ?? config.warehouse.kind) as Dialect;
      if (dialect !== 'duckdb' && dialect !== 'bigquery')
        throw new SluiceError('E_USAGE', `--dialect must be duckdb or bigquery, got ${flags.dialect}`);
      const qualify = await qualifier(dialect, config.dataset, config.warehouse.bigquery.project);
      const renderer = createSqlRenderer({ projectDir: config.projectDir, dialect, qualify });
      process.stdout.write(renderer.render(name, parseVars(flags.var ?? [])));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function qualifier(
  dialect: Dialect,
  dataset: string,
  project: string | undefined,
): Promise<(t: string) => string> {
  if (dialect === 'bigquery') {
    const { qualifyBigQuery } = await import('../../adapters/warehouse/bigquery/bigquery-dialect.ts');
    return (t) => qualifyBigQuery(project ?? '<GCP_PROJECT>', dataset, t);
  }
  const { qualifyDuckDb } = await import('../../adapters/warehouse/duckdb/duckdb-dialect.ts');
  return (t) => qualifyDuckDb(dataset, t);
}
