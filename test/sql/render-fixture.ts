/** A renderer over the test fixture project, qualifying like the adapters do. */
import { join } from 'node:path';
import type { Dialect } from '../../src/ports/warehouse.ts';
import { createSqlRenderer, type SqlRenderer } from '../../src/sql/sql-renderer.ts';

export const fixtureProject = join(import.meta.dirname, 'fixtures', 'project');

export function fixtureRenderer(dialect: Dialect, projectDir = fixtureProject): SqlRenderer {
  return createSqlRenderer({
    projectDir,
    dialect,
    qualify: (t) => (dialect === 'duckdb' ? `"ecommerce_data"."${t}"` : `\`proj.ecommerce_data.${t}\``),
  });
}
