import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeIdleInstances } from '../../src/adapters/warehouse/duckdb/duckdb-instances.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { openWarehouse } from '../../src/adapters/warehouse/open-warehouse.ts';
import { compileConfig } from '../../src/config/config.ts';
import { allTables } from '../../tables/index.ts';
import { type DuckDbHarness, makeDuckDbHarness } from './duckdb-harness.ts';
import { contractRawTable, warehouseContract } from './warehouse.contract.ts';

warehouseContract('duckdb', makeDuckDbHarness, { data: true });

describe('DuckDB warehouse', () => {
  let h: DuckDbHarness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('creates every pipeline table with the dialect types, and reports all unchanged the second time', async () => {
    h = await makeDuckDbHarness();
    const first = await h.warehouse.ensureTables(allTables);
    expect(first.created).toEqual(allTables.map((t) => t.name));
    const second = await h.warehouse.ensureTables(allTables);
    expect(second).toEqual({ created: [], unchanged: allTables.map((t) => t.name), updated: [] });
    const cols = await h.warehouse.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'ecommerce_data' AND table_name = 'fact_orders' ORDER BY ordinal_position`,
    );
    const byName = Object.fromEntries(cols.rows.map((r) => [r.column_name, r]));
    expect(byName.unit_price).toMatchObject({ data_type: 'DECIMAL(38,9)', is_nullable: 'NO' });
    expect(byName.order_date?.data_type).toBe('DATE');
    expect(byName.product_name?.is_nullable).toBe('YES');
    const regions = await h.warehouse.query(
      `SELECT coalesce(r.region, 'Other') AS region FROM (VALUES ('CA'), ('NJ'), ('TX'), ('FL')) AS s(state)
       LEFT JOIN ${h.warehouse.qualify('ref_state_regions')} AS r USING (state) ORDER BY s.state`,
    );
    expect(regions.rows.map((r) => r.region)).toEqual(['West', 'Other', 'East', 'South']);
  });

  it('stores a column marked uncompressed without compression (the raw lines), and compresses the others', async () => {
    h = await makeDuckDbHarness();
    await h.warehouse.ensureTables(allTables);
    await h.warehouse.execute(
      `INSERT INTO ${h.warehouse.qualify('staging_orders_raw')} (batch_id, source_file, line_number, raw_line)
       SELECT 'b', 'landing/orders/a.jsonl', i, '{"order_id": "o-' || (i % 50) || '", "items": []}' FROM range(1, 20001) AS t(i)`,
    );
    await h.warehouse.execute('CHECKPOINT');
    const storage = await h.warehouse.query<{ column_name: string; compression: string }>(
      `SELECT DISTINCT column_name, compression FROM pragma_storage_info('ecommerce_data.staging_orders_raw')
       WHERE segment_type <> 'VALIDITY' AND column_name IN ('raw_line', 'source_file') ORDER BY ALL`,
    );
    const by = (c: string) => storage.rows.filter((r) => r.column_name === c).map((r) => r.compression);
    expect(by('raw_line')).toEqual(['Uncompressed']);
    expect(by('source_file')).not.toContain('Uncompressed');
  });

  it('stores the items and the per-order text columns of staging_orders uncompressed, and compresses the others', async () => {
    h = await makeDuckDbHarness();
    await h.warehouse.ensureTables(allTables);
    await h.warehouse.execute(
      `INSERT INTO ${h.warehouse.qualify('staging_orders')} (batch_id, order_id, customer_id, order_timestamp,
         total_amount, payment_status, items, item_count, street, city, state, zipcode, country, source_file,
         line_number)
       SELECT 'b', 'o-' || i, 'c-' || (i % 50), TIMESTAMP '2026-01-01', 10, 'completed',
         '[{"product_id":"p-' || (i % 7) || '","quantity":1,"unit_price":10}]', 1, i || ' Main St',
         'City ' || (i % 5), 'CA', lpad(CAST(i AS VARCHAR), 5, '0'), 'USA', 'landing/orders/a.jsonl', i
       FROM range(1, 20001) AS t(i)`,
    );
    await h.warehouse.execute('CHECKPOINT');
    const storage = await h.warehouse.query<{ column_name: string; compression: string }>(
      `SELECT DISTINCT column_name, compression FROM pragma_storage_info('ecommerce_data.staging_orders')
       WHERE segment_type <> 'VALIDITY' AND column_name NOT IN ('order_timestamp', 'total_amount', 'item_count', 'line_number', 'loaded_at') ORDER BY ALL`,
    );
    const by = (c: string) => storage.rows.filter((r) => r.column_name === c).map((r) => r.compression);
    for (const column of ['items', 'order_id', 'customer_id', 'street', 'zipcode'])
      expect(by(column), column).toEqual(['Uncompressed']);
    for (const column of ['batch_id', 'payment_status', 'city', 'state', 'country', 'source_file']) {
      expect(by(column), column).not.toHaveLength(0);
      expect(by(column), column).not.toContain('Uncompressed');
    }
  });

  it('sluice init twice: openWarehouse(config).ensureTables(allTables) creates everything, then changes nothing', async () => {
    h = await makeDuckDbHarness();
    const config = compileConfig({
      env: { SLUICE_HOME: h.dir },
      cwd: h.dir,
      projectDir: h.dir,
      fileOverrides: {},
      flags: {},
    });
    const first = await openWarehouse(config);
    expect((await first.ensureTables(allTables)).created).toHaveLength(allTables.length);
    await first.close();
    const second = await openWarehouse(config);
    expect(await second.ensureTables(allTables)).toEqual({
      created: [],
      unchanged: allTables.map((t) => t.name),
      updated: [],
    });
    await second.close();
  });

  it('adds a column that was added to a definition, reporting the table as updated', async () => {
    h = await makeDuckDbHarness();
    await h.warehouse.ensureTables([contractRawTable]);
    const grown = {
      ...contractRawTable,
      columns: [
        ...contractRawTable.columns,
        { name: 'extra', type: 'json', mode: 'required', description: 'x' },
      ],
    } as const;
    const r = await h.warehouse.ensureTables([grown]);
    expect(r.updated).toEqual(['contract_raw']);
    const cols = await h.warehouse.query(
      `SELECT data_type, is_nullable FROM information_schema.columns WHERE table_name = 'contract_raw' AND column_name = 'extra'`,
    );
    expect(cols.rows).toEqual([{ data_type: 'JSON', is_nullable: 'YES' }]);
  });

  it('loads every line of a file holding bad UTF-8 and a delimiter byte pair, keeping physical line numbers', async () => {
    h = await makeDuckDbHarness();
    await h.warehouse.ensureTables([contractRawTable]);
    const bad = await h.putObject(
      'landing/orders/bad.jsonl',
      Buffer.concat([
        Buffer.from('{"n":1}\n\n{"n":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}\n{"n":4}\n{"n":"\x1e\x1fx"}\n{"n":6,"s":"é"}\n'),
      ]),
    );
    const good = await h.putObject('landing/orders/good.jsonl', '{"g":1}\n{"g":2}\n');
    const r = await h.warehouse.loadLines({
      uris: [bad, good],
      table: 'contract_raw',
      constants: { batch_id: 'b' },
    });
    expect(r.rowsLoaded).toBe(7);
    const rows = await h.warehouse.query<{ source_file: string; line_number: number; raw_line: string }>(
      `SELECT source_file, line_number, raw_line FROM ${h.warehouse.qualify('contract_raw')} ORDER BY source_file, line_number`,
    );
    expect(
      rows.rows.map((x) => [x.source_file.endsWith('bad.jsonl') ? 'bad' : 'good', x.line_number]),
    ).toEqual([
      ['bad', 1],
      ['bad', 3],
      ['bad', 4],
      ['bad', 5],
      ['bad', 6],
      ['good', 1],
      ['good', 2],
    ]);
    const byLine = Object.fromEntries(
      rows.rows.filter((x) => x.source_file.endsWith('bad.jsonl')).map((x) => [x.line_number, x.raw_line]),
    );
    expect(byLine[3]).toBe('{"n":"\uFFFD\uFFFD"}'); // invalid bytes marked U+FFFD, the line is accounted for
    expect(byLine[5]).toBe('{"n":"\x1e\x1fx"}'); // kept whole, not cut at the delimiter
    expect(byLine[6]).toBe('{"n":6,"s":"é"}');
    const left = await h.warehouse.query(
      `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'sluice_%'`,
    );
    expect(left.rows).toEqual([{ n: 0 }]);
  });

  it('loads a line longer than 1 MB whole', async () => {
    h = await makeDuckDbHarness();
    await h.warehouse.ensureTables([contractRawTable]);
    const big = `{"pad":"${'x'.repeat(3_000_000)}"}`;
    const f = await h.putObject('landing/orders/big.jsonl', `{"a":1}\n${big}\n{"a":3}\n`);
    await h.warehouse.loadLines({ uris: [f], table: 'contract_raw', constants: { batch_id: 'b' } });
    const rows = await h.warehouse.query(
      `SELECT line_number, length(raw_line) AS len FROM ${h.warehouse.qualify('contract_raw')} ORDER BY 1`,
    );
    expect(rows.rows).toEqual([
      { line_number: 1, len: 7 },
      { line_number: 2, len: big.length },
      { line_number: 3, len: 7 },
    ]);
  });

  it('numbers lines per file across many files read in parallel', async () => {
    h = await makeDuckDbHarness({ threads: 4 });
    await h.warehouse.ensureTables([contractRawTable]);
    const uris: string[] = [];
    for (let f = 0; f < 6; f++) {
      const lines: string[] = [];
      for (let i = 1; i <= 20_000 + f * 3_000; i++)
        lines.push(i % 11 === 0 ? '' : `{"line":${i},"pad":"${'p'.repeat(i % 97)}"}`);
      uris.push(await h.putObject(`landing/orders/f${f}.jsonl`, `${lines.join('\n')}\n`));
    }
    await h.warehouse.loadLines({ uris, table: 'contract_raw', constants: { batch_id: 'b' } });
    const check = await h.warehouse.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE CAST(json_extract(raw_line, '$.line') AS BIGINT) <> line_number) AS wrong
       FROM ${h.warehouse.qualify('contract_raw')}`,
    );
    const expected = [0, 1, 2, 3, 4, 5].reduce((s, f) => {
      const n = 20_000 + f * 3_000;
      return s + n - Math.floor(n / 11);
    }, 0);
    expect(check.rows).toEqual([{ n: expected, wrong: 0 }]);
  });

  it('names the missing file and refuses gs:// URIs', async () => {
    h = await makeDuckDbHarness();
    await h.warehouse.ensureTables([contractRawTable]);
    await expect(
      h.warehouse.loadLines({
        uris: [join(h.dir, 'nope.jsonl')],
        table: 'contract_raw',
        constants: { batch_id: 'b' },
      }),
    ).rejects.toMatchObject({
      code: 'E_WAREHOUSE_NOT_FOUND',
      message: expect.stringContaining('nope.jsonl'),
    });
    await expect(
      h.warehouse.loadLines({ uris: ['gs://b/x.jsonl'], table: 'contract_raw' }),
    ).rejects.toMatchObject({ code: 'E_WAREHOUSE_UNSUPPORTED' });
  });

  it('fails with one line naming the statement and a missing parameter', async () => {
    h = await makeDuckDbHarness();
    const e = (await h.warehouse
      .query('-- count orders\nSELECT $x AS x')
      .catch((error: unknown) => error)) as Error;
    expect(e).toMatchObject({ code: 'E_WAREHOUSE_QUERY' });
    expect(e.message).toContain('$x');
    expect(e.message).toContain('count orders');
    expect(e.message).not.toContain('\n');
    const syntax = (await h.warehouse.query('SELEC 1').catch((error: unknown) => error)) as Error;
    expect(syntax.message).toMatch(/^DuckDB: Parser Error: .*\(while running "SELEC 1"\)$/);
  });

  it('opens the file lazily, frees it on close, and reopens on the next statement', async () => {
    h = await makeDuckDbHarness();
    expect(existsSync(h.path)).toBe(false);
    await h.warehouse.query('SELECT 1');
    expect(existsSync(h.path)).toBe(true);
    await h.warehouse.close();
    expect(await openInChild(h.path)).toBe('opened');
    expect((await h.warehouse.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('waits briefly for a lock held by another process, then fails naming the file', async () => {
    h = await makeDuckDbHarness({ lockTimeoutMs: 300 });
    await h.warehouse.query('SELECT 1');
    await h.warehouse.close();
    const holder = holdInChild(h.path, 5_000);
    await holder.ready;
    const other = new DuckDbWarehouse({ path: h.path, dataset: 'ecommerce_data', lockTimeoutMs: 300 });
    await expect(other.query('SELECT 1')).rejects.toMatchObject({
      code: 'E_WAREHOUSE_LOCKED',
      message: expect.stringContaining(h.path),
    });
    holder.kill();
    await holder.exited;
    const patient = new DuckDbWarehouse({ path: h.path, dataset: 'ecommerce_data', lockTimeoutMs: 10_000 });
    const briefHolder = holdInChild(h.path, 400);
    await briefHolder.ready;
    expect((await patient.query('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
    await patient.close();
    await briefHolder.exited;
  });

  it('shares one instance between sessions of this process instead of opening the file twice', async () => {
    h = await makeDuckDbHarness();
    const second = new DuckDbWarehouse({ path: h.path, dataset: 'ecommerce_data' });
    await h.warehouse.execute('CREATE TABLE t AS SELECT 1 AS n');
    expect((await second.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
    await h.warehouse.close();
    expect((await second.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
    await second.close();
    expect(await openInChild(h.path)).toBe('opened');
  });

  it('keeps the database open for keepOpenMs after the last close, then frees the file', async () => {
    h = await makeDuckDbHarness({ keepOpenMs: 1500 });
    await h.warehouse.execute('CREATE TABLE t AS SELECT 1 AS n');
    await h.warehouse.close();
    // Kept open: another process cannot take the file, and this process's next session reuses the instance.
    expect(await openInChild(h.path)).toMatch(/^locked: /);
    const next = new DuckDbWarehouse({ path: h.path, dataset: 'ecommerce_data', keepOpenMs: 300 });
    expect((await next.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
    await next.close();
    await new Promise((r) => setTimeout(r, 600));
    expect(await openInChild(h.path)).toBe('opened');
  });

  it('closes an instance kept open at once on closeIdleInstances, and never reuses one whose file was replaced', async () => {
    h = await makeDuckDbHarness({ keepOpenMs: 60_000 });
    await h.warehouse.execute('CREATE TABLE t AS SELECT 1 AS n');
    await h.warehouse.close();
    closeIdleInstances();
    expect(await openInChild(h.path)).toBe('opened');

    await h.warehouse.execute('CREATE TABLE u AS SELECT 2 AS n');
    await h.warehouse.close();
    // A new database at the same path (a SLUICE_HOME deleted and created again) while the old one is idle.
    rmSync(h.path, { force: true });
    rmSync(`${h.path}.wal`, { force: true });
    const fresh = new DuckDbWarehouse({ path: h.path, dataset: 'ecommerce_data' });
    expect(
      (await fresh.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name IN ('t', 'u')")).rows,
    ).toEqual([{ n: 0 }]);
    await fresh.close();
    expect(await openInChild(h.path)).toBe('opened');
  });

  it('applies memory_limit, threads and block_allocator_memory from the configuration, and runs in UTC', async () => {
    const probe = await makeDuckDbHarness();
    await probe.cleanup();
    const config = compileConfig({
      env: {
        SLUICE_HOME: probe.dir,
        SLUICE_DUCKDB_MEMORY_LIMIT: '512MB',
        SLUICE_DUCKDB_THREADS: '1',
        SLUICE_DUCKDB_BLOCK_ALLOCATOR_MEMORY: '256MiB',
      },
      cwd: probe.dir,
      projectDir: probe.dir,
      fileOverrides: {},
      flags: {},
    });
    const w = await openWarehouse(config);
    h = {
      ...probe,
      cleanup: async () => {
        await w.close();
        await probe.cleanup();
      },
    } as DuckDbHarness;
    expect(w.dialect).toBe('duckdb');
    expect(w.capabilities.singleWriter).toBe(true);
    const r = await w.query(
      "SELECT current_setting('memory_limit') AS mem, current_setting('threads') AS threads, current_setting('TimeZone') AS tz, current_setting('block_allocator_memory') AS blocks",
    );
    expect(r.rows[0]).toMatchObject({ threads: 1, tz: 'UTC', blocks: '256.0 MiB' });
    expect(String(r.rows[0]!.mem)).toMatch(/^(488\.2 MiB|512\.0 MB|512MB)$/);
    expect(readdirSync(probe.dir)).toContain('warehouse.duckdb');
  });

  it('interrupts a running statement when the signal aborts', async () => {
    h = await makeDuckDbHarness();
    const controller = new AbortController();
    const running = h.warehouse.query('SELECT count(*) FROM range(10000000000) a, range(10) b', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toMatchObject({ code: 'E_WAREHOUSE_CANCELLED' });
    expect((await h.warehouse.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

function childScript(path: string, holdMs: number): string {
  return `import('@duckdb/node-api').then(async (m) => {
    try { const db = await m.DuckDBInstance.create(${JSON.stringify(path)}); console.log('opened');
      setTimeout(() => { db.closeSync(); process.exit(0); }, ${holdMs}); }
    catch (e) { console.log('locked: ' + e.message); process.exit(0); } });`;
}

async function openInChild(path: string): Promise<string> {
  const child = holdInChild(path, 0);
  const line = await child.ready;
  await child.exited;
  return line;
}

function holdInChild(path: string, holdMs: number) {
  const child = spawn(process.execPath, ['-e', childScript(path, holdMs)], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<string>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.once('data', (d: string) => resolve(d.trim()));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { ready, exited, kill: () => child.kill('SIGKILL') };
}
