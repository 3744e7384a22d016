import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveMacro } from '../../src/sql/macro-dispatch.ts';
import { createSqlRenderer } from '../../src/sql/sql-renderer.ts';
import { fixtureRenderer } from './render-fixture.ts';

const duck = fixtureRenderer('duckdb');
const bq = fixtureRenderer('bigquery');

function renderError(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected rendering to fail');
}

describe('sql renderer', () => {
  it('renders ref() to the qualified table and param() to each dialect’s placeholder', () => {
    const d = duck.render('sql/example/hourly_revenue', { categories: ['A', 'B'] });
    expect(d).toContain('FROM "ecommerce_data"."fact_orders" AS f');
    expect(d).toContain('f.batch_id = $batch_id');
    expect(d).toContain('f.category IN ($category_0, $category_1)');
    const b = bq.render('sql/example/hourly_revenue', { categories: [] });
    expect(b).toContain('FROM `proj.ecommerce_data.fact_orders` AS f');
    expect(b).toContain('f.batch_id = @batch_id');
    expect(b).not.toContain('category IN');
  });

  it('dispatches macros per dialect, falling back to default__', () => {
    expect(duck.render('sql/example/hourly_revenue', { categories: [] })).toContain(
      "date_trunc('hour', f.order_timestamp) AS hour_start",
    );
    expect(bq.render('sql/example/hourly_revenue', { categories: [] })).toContain(
      'TIMESTAMP_TRUNC(f.order_timestamp, HOUR) AS hour_start',
    );
    expect(resolveMacro('date_of', 'bigquery').searched).toEqual(['bigquery__date_of', 'default__date_of']);
    expect(resolveMacro('ts_trunc', 'duckdb').searched).toEqual(['duckdb__ts_trunc']);
  });

  it('money is DECIMAL(38,9) on DuckDB and NUMERIC on BigQuery', () => {
    expect(duck.render('sql/example/all_macros')).toContain('CAST(NULL AS DECIMAL(38,9)) AS money');
    expect(bq.render('sql/example/all_macros')).toContain('CAST(NULL AS NUMERIC) AS money');
  });

  it('prefers <name>.<dialect>.sql over <name>.sql', () => {
    expect(bq.render('sql/example/latest_orders')).toContain('LIMIT 1000');
    expect(duck.render('sql/example/latest_orders')).not.toContain('LIMIT');
    expect(duck.render('sql/example/latest_orders.sql')).toContain('SELECT order_id');
  });

  it('fails on a missing variable naming the file, the name and the names searched', () => {
    const e = renderError(() => duck.render('sql/example/missing_var', { since: 1 }));
    expect(e.code).toBe('E_SQL_RENDER');
    expect(e.message).toBe(
      "sql/example/missing_var.sql line 2: 'hours' is not defined: not a variable passed to the template (since) and not a macro (searched duckdb__hours, default__hours)",
    );
  });

  it('fails on an unknown ref, suggesting the closest table', () => {
    const e = renderError(() => bq.render('sql/example/unknown_ref'));
    expect(e.code).toBe('E_SQL_RENDER');
    expect(e.message).toMatch(
      /^sql\/example\/unknown_ref\.sql line 2: unknown ref\("fact_order"\) \(did you mean 'fact_orders'\?\): searched the tables of tables\/index\.ts: .*fact_orders/,
    );
  });

  it('fails on an unknown macro listing the dispatch names searched', () => {
    const e = renderError(() => bq.render('sql/example/unknown_macro'));
    expect(e.code).toBe('E_SQL_RENDER');
    expect(e.message).toContain('sql/example/unknown_macro.sql line 2');
    expect(e.message).toContain("'ts_round' is not defined");
    expect(e.message).toContain('searched bigquery__ts_round, default__ts_round');
  });

  it('fails on a bad macro argument naming the macro and the allowed values', () => {
    const e = renderError(() => duck.render('sql/example/bad_unit'));
    expect(e.message).toBe(
      `sql/example/bad_unit.sql line 2: ts_trunc(): argument 2 must be one of 'minute', 'hour', 'day', got "week"`,
    );
  });

  it('fails on an undefined attribute instead of printing nothing', () => {
    const e = renderError(() => duck.render('sql/example/undefined_attr', { opts: {} }));
    expect(e.code).toBe('E_SQL_RENDER');
    expect(e.message).toMatch(/^sql\/example\/undefined_attr\.sql line 2: outputs an undefined value/);
  });

  it('names every file searched when the template does not exist, and refuses paths that escape', () => {
    expect(renderError(() => duck.render('sql/nope/x')).message).toContain(
      'searched sql/nope/x.duckdb.sql, sql/nope/x.sql',
    );
    expect(renderError(() => duck.render('../etc/passwd')).code).toBe('E_SQL_RENDER');
  });

  describe('with a scratch project', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-sql-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'sql'), { recursive: true });

    it('reads template edits without a restart and validates refs against the given tables', () => {
      const r = createSqlRenderer({
        projectDir: dir,
        dialect: 'duckdb',
        qualify: (t) => `x.${t}`,
        tables: ['t1'],
      });
      writeFileSync(join(dir, 'sql/a.sql'), '-- a\nSELECT 1 FROM {{ ref("t1") }}');
      expect(r.render('sql/a')).toBe('-- a\nSELECT 1 FROM x.t1\n');
      writeFileSync(join(dir, 'sql/a.sql'), '-- a\nSELECT 2 FROM {{ ref("t2") }}');
      expect(renderError(() => r.render('sql/a')).message).toContain('unknown ref("t2")');
    });

    it('names the included fragment and the line where an undefined name is used', () => {
      const r = createSqlRenderer({ projectDir: dir, dialect: 'duckdb', qualify: (t) => t, tables: ['t1'] });
      writeFileSync(
        join(dir, 'sql/_frag.sql'),
        '-- fragment, uses limit_rows\nSELECT 1\n{% if x %}\nLIMIT {{ limit_rows }}\n{% endif %}',
      );
      writeFileSync(join(dir, 'sql/outer.sql'), "-- outer\nSELECT * FROM ({% include 'sql/_frag.sql' %})");
      expect(renderError(() => r.render('sql/outer', { x: true })).message).toMatch(
        /^sql\/_frag\.sql line 4: 'limit_rows' is not defined/,
      );
    });

    it('rejects keyword arguments and bad parameter names', () => {
      const r = createSqlRenderer({ projectDir: dir, dialect: 'bigquery', qualify: (t) => t });
      writeFileSync(join(dir, 'sql/k.sql'), "-- k\nSELECT {{ ts_trunc('x', unit='hour') }}");
      expect(renderError(() => r.render('sql/k')).message).toContain('positional arguments only');
      writeFileSync(join(dir, 'sql/p.sql'), "-- p\nSELECT {{ param('a-b') }}");
      expect(renderError(() => r.render('sql/p')).message).toContain('param("a-b")');
    });

    it('lets a project add its own macro implementations, dispatched the same way', () => {
      const r = createSqlRenderer({
        projectDir: dir,
        dialect: 'bigquery',
        qualify: (t) => t,
        macros: { default__twice: (_c, x) => `(${x} * 2)`, bigquery__twice: (_c, x) => `(${x} + ${x})` },
      });
      writeFileSync(join(dir, 'sql/m.sql'), "-- m\nSELECT {{ twice('x') }}");
      expect(r.render('sql/m')).toContain('SELECT (x + x)');
    });
  });
});
