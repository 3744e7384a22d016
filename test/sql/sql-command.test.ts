import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVars } from '../../src/cli/commands/sql.ts';
import { fixtureProject } from './render-fixture.ts';

const root = join(import.meta.dirname, '..', '..');

function sluice(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      SLUICE_PROJECT_DIR: fixtureProject,
      SLUICE_HOME: join(fixtureProject, '.none'),
      ...env,
    },
  });
}

describe('sluice sql render', () => {
  it('prints the BigQuery rendering with the configured project and dataset', () => {
    const r = sluice(
      ['sql', 'render', 'sql/example/hourly_revenue', '--dialect', 'bigquery', '--var', 'categories=["A"]'],
      { GCP_PROJECT: 'acme', BQ_DATASET: 'shop' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('FROM `acme.shop.fact_orders` AS f');
    expect(r.stdout).toContain('f.category IN (@category_0)');
  });

  it('prints the DuckDB rendering and fails in one line, exit 2, on a missing variable', () => {
    const ok = sluice(['sql', 'render', 'sql/example/latest_orders', '--dialect', 'duckdb']);
    expect(ok.stdout).toContain('FROM "ecommerce_data"."staging_orders" WHERE batch_id = $batch_id');
    const bad = sluice(['sql', 'render', 'sql/example/hourly_revenue', '--dialect', 'duckdb']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain("sql/example/hourly_revenue.sql line 14: 'categories' is not defined");
  });

  it('parses --var values as JSON when they are JSON, else as text', () => {
    expect(parseVars(['n=3', 'list=["a",1]', 'entity=products', 'eq=a=b'])).toEqual({
      n: 3,
      list: ['a', 1],
      entity: 'products',
      eq: 'a=b',
    });
    expect(() => parseVars(['novalue'])).toThrow(/name=value/);
  });
});
