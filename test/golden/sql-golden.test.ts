/**
 * Golden renderings: every `.sql` template under sql/ and quality/ (fragments named `_*.sql` excepted, they are
 * rendered through the files that include them) is rendered for both dialects and compared with
 * `test/golden/<dialect>/<name>.sql`; the DuckDB rendering is then executed on a DuckDB warehouse holding
 * every table of tables/index.ts, with sample values for its parameters.
 *
 * Templates that need variables get example values from a `-- golden vars: {...}` header line or from
 * test/golden/vars.json (an object, or a list of objects for several renderings: `<name>@<i>.sql`).
 * After an intended change: `npm run golden:update` (SLUICE_GOLDEN_UPDATE=1), then review the diff.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, DuckDBTypeId, timestampValue, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import type { Dialect } from '../../src/ports/warehouse.ts';
import { createSqlRenderer } from '../../src/sql/sql-renderer.ts';
import { allTables } from '../../tables/index.ts';

const root = join(import.meta.dirname, '..', '..');
const goldenDir = import.meta.dirname;
const UPDATE = process.env.SLUICE_GOLDEN_UPDATE === '1';
const DIALECTS: readonly Dialect[] = ['duckdb', 'bigquery'];
const QUALIFY: Record<Dialect, (t: string) => string> = {
  duckdb: (t) => `"ecommerce_data"."${t}"`,
  bigquery: (t) => `\`my-project.ecommerce_data.${t}\``,
};

interface Case {
  /** Template name without extension, e.g. sql/orders/publish. */
  readonly name: string;
  /** Golden file stem: the name, or `<name>@<i>` for the i-th var set. */
  readonly stem: string;
  readonly vars: Record<string, unknown>;
}

function templateFiles(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    const p = join(abs, entry.name);
    if (entry.isDirectory()) out.push(...templateFiles(relative(root, p)));
    else if (entry.name.endsWith('.sql') && !entry.name.startsWith('_')) out.push(relative(root, p));
  }
  return out;
}

function discover(): Case[] {
  const names = new Set(
    ['sql', 'quality'].flatMap(templateFiles).map((f) => f.replace(/(\.(duckdb|bigquery))?\.sql$/, '')),
  );
  const shared = JSON.parse(readFileSync(join(goldenDir, 'vars.json'), 'utf8')) as Record<string, unknown>;
  const cases: Case[] = [];
  for (const name of [...names].sort()) {
    const file = [`${name}.sql`, `${name}.duckdb.sql`, `${name}.bigquery.sql`].find((f) => existsSync(join(root, f)))!;
    const header = /^--\s*golden vars:\s*(\{.*\})\s*$/im.exec(readFileSync(join(root, file), 'utf8'));
    const vars = header ? JSON.parse(header[1]!) : (shared[name] ?? {});
    if (Array.isArray(vars)) vars.forEach((v, i) => cases.push({ name, stem: `${name}@${i + 1}`, vars: v }));
    else cases.push({ name, stem: name, vars: vars as Record<string, unknown> });
  }
  return cases;
}

const cases = discover();
const UPDATE_HINT = 'run `npm run golden:update` and review the diff of test/golden/';

describe('SQL templates', () => {
  it('each starts with a header comment (what it builds, params, write strategy)', () => {
    const missing = ['sql', 'quality']
      .flatMap(templateFiles)
      .filter((f) => !readFileSync(join(root, f), 'utf8').trimStart().startsWith('--'));
    expect(missing, 'templates without a leading -- header comment').toEqual([]);
  });

  for (const dialect of DIALECTS) {
    const renderer = createSqlRenderer({ projectDir: root, dialect, qualify: QUALIFY[dialect] });
    describe(`golden ${dialect} renderings`, () => {
      for (const c of cases) {
        it(c.stem, () => {
          let rendered: string;
          try {
            rendered = renderer.render(c.name, c.vars);
          } catch (error) {
            const hint = /is not defined/.test((error as Error).message)
              ? ` (a template variable needs an example value: add it for ${c.name} to test/golden/vars.json)`
              : '';
            throw new Error(`${(error as Error).message}${hint}`);
          }
          const golden = join(goldenDir, dialect, `${c.stem}.sql`);
          if (UPDATE) {
            mkdirSync(dirname(golden), { recursive: true });
            writeFileSync(golden, rendered);
            return;
          }
          if (!existsSync(golden))
            throw new Error(`no golden ${dialect} rendering for ${c.name} (new template?): ${UPDATE_HINT}`);
          expect(rendered, `${c.name} renders differently for ${dialect}; if intended, ${UPDATE_HINT}`).toBe(
            readFileSync(golden, 'utf8'),
          );
        });
      }
      it('has no stale golden files', () => {
        const want = new Set(cases.map((c) => `${c.stem}.sql`));
        const dir = join(goldenDir, dialect);
        const have = existsSync(dir) ? listFiles(dir).map((f) => relative(dir, f)) : [];
        const stale = have.filter((f) => !want.has(f));
        if (UPDATE) for (const f of stale) rmSync(join(dir, f));
        else expect(stale, `golden files without a template: ${UPDATE_HINT}`).toEqual([]);
      });
    });
  }

  describe('DuckDB renderings execute on DuckDB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-golden-'));
    const path = join(dir, 'warehouse.duckdb');
    let db: DuckDBInstance;
    let c: DuckDBConnection;
    const renderer = createSqlRenderer({ projectDir: root, dialect: 'duckdb', qualify: QUALIFY.duckdb });
    beforeAll(async () => {
      const w = new DuckDbWarehouse({ path, dataset: 'ecommerce_data', threads: 1 });
      await w.ensureTables(allTables);
      await w.close();
      db = await DuckDBInstance.create(path, { threads: '1' });
      c = await db.connect();
      await c.run("SET TimeZone = 'UTC'");
    });
    afterAll(() => {
      c?.closeSync();
      db?.closeSync();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const k of cases) {
      it(k.stem, async () => {
        const sql = renderer.render(k.name, k.vars);
        const statements = await c.extractStatements(sql);
        await c.run('BEGIN TRANSACTION');
        try {
          for (let i = 0; i < statements.count; i++) {
            const p = await statements.prepare(i);
            bindSamples(p);
            await p.run();
          }
        } catch (error) {
          throw new Error(`${k.name}: the DuckDB rendering fails on DuckDB: ${(error as Error).message.split('\n')[0]}`);
        } finally {
          await c.run('ROLLBACK');
        }
      });
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Bind a plausible value to every parameter: by the type DuckDB infers, else by the parameter's name. */
function bindSamples(p: DuckDBPreparedStatement): void {
  for (let i = 1; i <= p.parameterCount; i++) {
    const name = p.parameterName(i);
    let typeId: DuckDBTypeId | undefined;
    try {
      typeId = p.parameterTypeId(i);
    } catch {
      typeId = undefined;
    }
    switch (typeId) {
      case DuckDBTypeId.TIMESTAMP:
      case DuckDBTypeId.TIMESTAMP_TZ:
        p.bindTimestamp(i, timestampValue(BigInt(Date.UTC(2026, 0, 15, 10)) * 1000n));
        break;
      case DuckDBTypeId.BIGINT:
      case DuckDBTypeId.INTEGER:
      case DuckDBTypeId.SMALLINT:
      case DuckDBTypeId.TINYINT:
      case DuckDBTypeId.HUGEINT:
        p.bindBigInt(i, 1n);
        break;
      case DuckDBTypeId.DOUBLE:
      case DuckDBTypeId.FLOAT:
        p.bindDouble(i, 1.5);
        break;
      case DuckDBTypeId.BOOLEAN:
        p.bindBoolean(i, true);
        break;
      default:
        p.bindVarchar(i, sampleByName(name, typeId));
    }
  }
}

function sampleByName(name: string, typeId: DuckDBTypeId | undefined): string {
  if (typeId === DuckDBTypeId.DATE || /(^|_)(date|day)$/.test(name)) return '2026-01-15';
  if (/(_at|_start|_end|since|until|timestamp|_ts|_time)$/.test(name)) return '2026-01-15 10:00:00';
  if (typeId === DuckDBTypeId.DECIMAL) return '1.5';
  if (/^(n|limit|hours|days)$|count|rows|number|_n$/.test(name)) return '1';
  if (/sample|json|details/.test(name)) return '[]';
  return `sample_${name}`;
}
