/**
 * SQL rendering for the daily jobs. The dimension quarantine tables are defined in `tables/` but may not be
 * registered in `tables/index.ts` yet; until they are, the daily jobs render with a renderer that also accepts
 * them and create them on first use, so the pipeline runs either way. Once registered this is `ctx.sql`.
 */
import { join } from 'node:path';
import type { JobContext } from '../../src/sdk/index.ts';
import { createSqlRenderer } from '../../src/sql/sql-renderer.ts';
import { allTables } from '../../tables/index.ts';
import quarantineCustomers from '../../tables/quarantine_customers.ts';
import quarantineProducts from '../../tables/quarantine_products.ts';

const DAILY_TABLES = [quarantineProducts, quarantineCustomers];
const unregistered = DAILY_TABLES.filter((t) => !allTables.some((r) => r.name === t.name));

/** Render function for a daily job: `ctx.sql` when every table it needs is registered. */
export function dailySql(ctx: JobContext<unknown>): (name: string, vars?: Record<string, unknown>) => string {
  if (unregistered.length === 0) return (name, vars) => ctx.sql(name, vars);
  const renderer = createSqlRenderer({
    projectDir: join(import.meta.dirname, '..', '..'),
    dialect: ctx.warehouse.dialect,
    qualify: (table) => ctx.warehouse.qualify(table),
    tables: [...allTables, ...unregistered].map((t) => t.name),
  });
  return (name, vars) => renderer.render(name, vars);
}

/** Create the daily tables `sluice init` does not know yet (no-op once they are registered). */
export async function ensureDailyTables(ctx: JobContext<unknown>): Promise<void> {
  if (unregistered.length > 0) await ctx.warehouse.ensureTables(unregistered);
}
