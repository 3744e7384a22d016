import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bigQueryCreateTableDdl } from '../../src/adapters/warehouse/bigquery/bigquery-dialect.ts';
import { jobIdFor, RAW_LINE_DELIMITER } from '../../src/adapters/warehouse/bigquery/bigquery-warehouse.ts';
import { openWarehouse } from '../../src/adapters/warehouse/open-warehouse.ts';
import { compileConfig } from '../../src/config/config.ts';
import type { WorkIdentity } from '../../src/ports/warehouse.ts';
import { allTables } from '../../tables/index.ts';
import { BigQueryFixtureServer, FIXTURE_PROJECT } from './bigquery-fixture-server.ts';
import { FIXTURE_TOKEN, fixtureWarehouse, makeBigQueryFixtureHarness } from './bigquery-harness.ts';
import { contractCsvTable, contractRawTable, warehouseContract } from './warehouse.contract.ts';

warehouseContract('bigquery (recorded protocol fixtures)', makeBigQueryFixtureHarness, { data: false });

const identity: WorkIdentity = {
  jobIdPrefix: 'sluice_order_processing_incremental_load_staging_20260101T1015Z_try1',
  labels: { dag_id: 'order_processing_incremental', task_id: 'Load.Staging' },
};

describe('BigQuery warehouse against recorded protocol fixtures', () => {
  let server: BigQueryFixtureServer;
  beforeEach(async () => {
    server = await new BigQueryFixtureServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('runs a query job with typed named parameters, location, labels and a deterministic job id', async () => {
    server.onQuery({ match: (sql) => sql.includes('AS big'), results: 'query-results-typed.json' });
    const w = fixtureWarehouse(server);
    const sql = 'SELECT @i AS i, @d AS d, @ts AS ts, @day AS day, @s AS s, @b AS b, @n AS n, 1 AS big';
    const params = {
      i: 42,
      f: 1.25,
      big: 9007199254740993n,
      d: '12.50',
      ts: new Date('2026-01-02T03:04:05.678Z'),
      day: '2026-01-02',
      s: 'x',
      b: true,
      n: null,
      ids: ['a', 'b'],
    };
    const r = await w.query(sql, { params, identity });
    expect(r.rows[0]).toMatchObject({
      i: 42,
      d: '12.5',
      ts: '2026-01-02T03:04:05.678000Z',
      big: '9007199254740993',
    });
    const [insert] = server.jobInserts();
    expect(insert!.path).toBe(`/projects/${FIXTURE_PROJECT}/jobs`);
    expect(insert!.authorization).toBe(`Bearer ${FIXTURE_TOKEN}`);
    expect(insert!.body.jobReference).toEqual({
      projectId: FIXTURE_PROJECT,
      jobId: jobIdFor('query', [sql, JSON.stringify(sortKeys(params)), 'null'], identity.jobIdPrefix),
      location: 'US',
    });
    expect(insert!.body.jobReference.jobId).toMatch(
      /^sluice_order_processing_incremental_load_staging_20260101T1015Z_try1_query_[0-9a-f]{24}$/,
    );
    expect(insert!.body.configuration.labels).toEqual({
      app: 'sluice',
      dag_id: 'order_processing_incremental',
      task_id: 'load_staging',
    });
    expect(insert!.body.configuration.query).toMatchObject({
      query: sql,
      useLegacySql: false,
      parameterMode: 'NAMED',
    });
    const byName = Object.fromEntries(
      insert!.body.configuration.query.queryParameters.map((p: { name: string }) => [p.name, p]),
    );
    expect(byName.i).toEqual({
      name: 'i',
      parameterType: { type: 'INT64' },
      parameterValue: { value: '42' },
    });
    expect(byName.f.parameterType).toEqual({ type: 'FLOAT64' });
    expect(byName.big).toMatchObject({
      parameterType: { type: 'INT64' },
      parameterValue: { value: '9007199254740993' },
    });
    expect(byName.d).toMatchObject({ parameterType: { type: 'STRING' }, parameterValue: { value: '12.50' } });
    expect(byName.ts).toEqual({
      name: 'ts',
      parameterType: { type: 'TIMESTAMP' },
      parameterValue: { value: '2026-01-02 03:04:05.678000+00:00' },
    });
    expect(byName.b.parameterValue).toEqual({ value: 'true' });
    expect(byName.n).toEqual({ name: 'n', parameterType: { type: 'STRING' }, parameterValue: {} });
    expect(byName.ids).toEqual({
      name: 'ids',
      parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } },
      parameterValue: { arrayValues: [{ value: 'a' }, { value: 'b' }] },
    });
    const results = server.requests.find((x) => x.path.includes('/queries/'));
    expect(results!.query).toMatchObject({ location: 'US', 'formatOptions.useInt64Timestamp': 'true' });
  });

  it('re-attaches to the job of an earlier attempt (409 Already Exists) instead of running the statement twice', async () => {
    server.onQuery({ match: (sql) => sql.startsWith('INSERT'), numDmlAffectedRows: '7', runningPolls: 1 });
    const sql = 'INSERT INTO `my-project.ecommerce_data.fact_orders` SELECT * FROM x WHERE batch_id = @b';
    const first = await fixtureWarehouse(server).execute(sql, { params: { b: 'r1' }, identity });
    // The worker died after submitting; the same try runs again in a new process.
    const again = await fixtureWarehouse(server).execute(sql, { params: { b: 'r1' }, identity });
    expect(first).toEqual(again);
    expect(first.rowsAffected).toBe(7);
    expect(server.jobs.size).toBe(1);
    const inserts = server.jobInserts();
    expect(inserts).toHaveLength(2);
    expect(inserts[1]!.body.jobReference.jobId).toBe(inserts[0]!.body.jobReference.jobId);
    const polls = server.requests.filter(
      (x) => x.method === 'GET' && x.path.endsWith(`/jobs/${first.jobIds![0]}`),
    );
    expect(polls.length).toBeGreaterThanOrEqual(3);
    // The next try is another identity: a new job.
    await fixtureWarehouse(server).execute(sql, {
      params: { b: 'r1' },
      identity: { jobIdPrefix: identity.jobIdPrefix.replace('try1', 'try2') },
    });
    expect(server.jobs.size).toBe(2);
  });

  it('wraps a multi-statement script in a transaction, but not one with DDL', async () => {
    const w = fixtureWarehouse(server);
    await w.execute("DELETE FROM t WHERE d = @d; INSERT INTO t SELECT 'a; b' AS x -- c;\n", {
      params: { d: '2026-01-01' },
    });
    await w.execute('CREATE TEMP TABLE x AS SELECT 1; DROP TABLE IF EXISTS y; CREATE TABLE z (a INT64)');
    await w.execute('SELECT 1;');
    const queries = server.jobInserts().map((x) => x.body.configuration.query.query as string);
    expect(queries[0]).toBe(
      "BEGIN TRANSACTION;\nDELETE FROM t WHERE d = @d; INSERT INTO t SELECT 'a; b' AS x -- c;\n;\nCOMMIT TRANSACTION;",
    );
    await w.execute('DELETE FROM t WHERE a = 1; DELETE FROM t WHERE b = 2; -- done\n');
    expect(server.jobInserts().at(-1)!.body.configuration.query.query).toBe(
      'BEGIN TRANSACTION;\nDELETE FROM t WHERE a = 1; DELETE FROM t WHERE b = 2 -- done\n;\nCOMMIT TRANSACTION;',
    );
    expect(queries[1]).not.toContain('BEGIN TRANSACTION');
    expect(queries[2]).toBe('SELECT 1;');
  });

  it('creates the dataset in its location and every table (partitioned, clustered, NUMERIC money), then changes nothing', async () => {
    server.onQuery({
      match: (sql) => sql.includes('UNNEST(@seed)'),
      numDmlAffectedRows: (n) => (n === 1 ? '9' : '0'),
    });
    const w = fixtureWarehouse(server);
    const first = await w.ensureTables(allTables);
    expect(first.created).toEqual(allTables.map((t) => t.name));
    const dsInsert = server.requests.find((x) => x.method === 'POST' && x.path.endsWith('/datasets'));
    expect(dsInsert!.body).toMatchObject({
      datasetReference: { datasetId: 'ecommerce_data' },
      location: 'US',
    });
    const tableInsert = (name: string) =>
      server.requests.find(
        (x) => x.method === 'POST' && x.path.endsWith('/tables') && x.body.tableReference.tableId === name,
      )!.body;
    const fact = tableInsert('fact_orders');
    expect(fact.timePartitioning).toEqual({ type: 'DAY', field: 'order_date' });
    expect(fact.clustering).toEqual({ fields: ['customer_id'] });
    const fields = Object.fromEntries(fact.schema.fields.map((f: { name: string }) => [f.name, f]));
    expect(fields.unit_price).toMatchObject({ type: 'NUMERIC', mode: 'REQUIRED' });
    expect(fields.product_name).toMatchObject({ type: 'STRING', mode: 'NULLABLE' });
    expect(fields.order_date.type).toBe('DATE');
    expect(fields.loaded_at.type).toBe('TIMESTAMP');
    expect(tableInsert('staging_orders').timePartitioning).toBeUndefined();
    const seed = server.jobInserts().find((x) => x.body.configuration.query.query.includes('UNNEST(@seed)'))!;
    expect(seed.body.configuration.query.queryParameters[0].parameterType).toEqual({
      type: 'ARRAY',
      arrayType: {
        type: 'STRUCT',
        structTypes: [
          { name: 'state', type: { type: 'STRING' } },
          { name: 'region', type: { type: 'STRING' } },
        ],
      },
    });
    expect(seed.body.configuration.query.queryParameters[0].parameterValue.arrayValues).toHaveLength(9);

    const before = server.requests.length;
    const second = await w.ensureTables(allTables);
    expect(second).toEqual({ created: [], unchanged: allTables.map((t) => t.name), updated: [] });
    const writes = server.requests
      .slice(before)
      .filter((x) => x.method !== 'GET' && !x.path.endsWith('/jobs'));
    expect(writes).toEqual([]);
  });

  it('adds a column added to a definition with tables.patch (as NULLABLE) and reports the table updated', async () => {
    const w = fixtureWarehouse(server);
    await w.ensureTables([contractRawTable]);
    const grown = {
      ...contractRawTable,
      columns: [
        ...contractRawTable.columns,
        { name: 'extra', type: 'json', mode: 'required', description: 'x' },
      ],
    } as const;
    expect((await w.ensureTables([grown])).updated).toEqual(['contract_raw']);
    const patch = server.requests.find((x) => x.method === 'PATCH' || x.method === 'PUT');
    expect(patch!.body.schema.fields.at(-1)).toEqual({
      name: 'extra',
      type: 'JSON',
      mode: 'NULLABLE',
      description: 'x',
    });
  });

  it('renders the fact DDL partitioned by order_date and clustered by customer_id', () => {
    const ddl = bigQueryCreateTableDdl(
      FIXTURE_PROJECT,
      'ecommerce_data',
      allTables.find((t) => t.name === 'fact_orders')!,
    );
    expect(ddl).toContain('CREATE TABLE IF NOT EXISTS `my-project.ecommerce_data.fact_orders`');
    expect(ddl).toContain('unit_price NUMERIC NOT NULL');
    expect(ddl).toMatch(/\nPARTITION BY order_date\nCLUSTER BY customer_id\n/);
  });

  it('loads raw lines from gs:// in one job: CSV, one STRING column, a delimiter that cannot occur, no quoting', async () => {
    server.onQuery({ match: (sql) => sql.startsWith('INSERT INTO'), numDmlAffectedRows: '1234' });
    const w = fixtureWarehouse(server);
    const a = 'gs://landing-bucket/landing/orders/a.jsonl';
    const b = 'gs://landing-bucket/landing/orders/b.ndjson.gz';
    const landed = new Date('2026-01-01T10:00:00Z');
    const r = await w.loadLines(
      {
        uris: [a, b],
        table: 'staging_orders_raw',
        constants: { batch_id: 'order_processing_incremental__20260101T1000Z' },
        sourceNames: { [a]: 'landing/orders/a.jsonl', [b]: 'landing/orders/b.ndjson.gz' },
        fileConstants: { [a]: { landed_at: landed }, [b]: { landed_at: landed } },
      },
      { identity },
    );
    expect(r.rowsLoaded).toBe(1234);
    const [job] = server.jobInserts();
    const q = job!.body.configuration.query;
    expect(job!.body.jobReference.jobId).toMatch(/_load_[0-9a-f]{24}$/);
    expect(q.tableDefinitions.sluice_plain).toEqual({
      sourceUris: [a],
      sourceFormat: 'CSV',
      compression: 'NONE',
      schema: { fields: [{ name: 'raw_line', type: 'STRING', mode: 'NULLABLE' }] },
      maxBadRecords: 0,
      csvOptions: {
        fieldDelimiter: RAW_LINE_DELIMITER,
        quote: '',
        skipLeadingRows: '0',
        allowJaggedRows: true,
        allowQuotedNewlines: false,
        preserveAsciiControlCharacters: true,
        encoding: 'UTF-8',
      },
    });
    expect(q.tableDefinitions.sluice_gzip).toMatchObject({ sourceUris: [b], compression: 'GZIP' });
    expect(q.query).toContain(
      'INSERT INTO `my-project.ecommerce_data.staging_orders_raw` (source_file, line_number, raw_line, batch_id, landed_at)',
    );
    expect(q.query).toContain(
      'ROW_NUMBER() OVER (PARTITION BY l._FILE_NAME ORDER BY CAST(l.raw_line AS BYTES))',
    );
    const files = q.queryParameters.find((p: { name: string }) => p.name === 'sluice_files');
    expect(files.parameterType.arrayType.structTypes).toEqual([
      { name: 'uri', type: { type: 'STRING' } },
      { name: 'source_file', type: { type: 'STRING' } },
      { name: 'landed_at', type: { type: 'TIMESTAMP' } },
    ]);
    expect(files.parameterValue.arrayValues[1]).toEqual({
      structValues: {
        uri: { value: b },
        source_file: { value: 'landing/orders/b.ndjson.gz' },
        landed_at: { value: '2026-01-01 10:00:00.000000+00:00' },
      },
    });
    expect(
      q.queryParameters.find((p: { name: string }) => p.name === 'c_batch_id').parameterValue.value,
    ).toBe('order_processing_incremental__20260101T1000Z');
  });

  it('checks the CSV header with a dry run, naming the object and the column, then loads with the table schema', async () => {
    const good = 'gs://b/landing/products/p.csv';
    const bad = 'gs://b/landing/products/bad.csv';
    const header = (names: string[]) => ({
      fields: names.map((name) => ({ name, type: 'STRING', mode: 'NULLABLE' })),
    });
    server.onQuery({
      match: (_s, c) => c.query.tableDefinitions?.sluice_header?.sourceUris[0] === good,
      dryRunSchema: header(['product_id', 'price']),
    });
    server.onQuery({
      match: (_s, c) => c.query.tableDefinitions?.sluice_header?.sourceUris[0] === bad,
      dryRunSchema: header(['product_id', 'prize']),
    });
    server.onQuery({ match: (sql) => sql.startsWith('INSERT INTO'), numDmlAffectedRows: '2' });
    const w = fixtureWarehouse(server);
    const request = {
      table: 'contract_csv',
      columns: ['product_id', 'price'],
      constants: { batch_id: 'b1' },
    };
    await expect(
      w.loadCsv({ ...request, uris: [bad], sourceNames: { [bad]: 'landing/products/bad.csv' } }),
    ).rejects.toMatchObject({
      code: 'E_WAREHOUSE_LOAD',
      message: expect.stringMatching(
        /^CSV header of landing\/products\/bad\.csv has column prize at position 2 where price is expected/,
      ),
    });
    const r = await w.loadCsv({ ...request, uris: [good] });
    expect(r.rowsLoaded).toBe(2);
    const load = server.jobInserts().at(-1)!.body.configuration.query;
    expect(load.tableDefinitions.sluice_plain.csvOptions).toMatchObject({
      skipLeadingRows: '1',
      quote: '"',
      fieldDelimiter: ',',
    });
    expect(load.tableDefinitions.sluice_plain.schema.fields.map((f: { name: string }) => f.name)).toEqual(
      contractCsvTable.columns.filter((c) => ['product_id', 'price'].includes(c.name)).map((c) => c.name),
    );
    expect(load.query).toContain('(product_id, price, source_file, batch_id)');
  });

  it('exports through a scratch table and one extract job to exactly the given object', async () => {
    const w = fixtureWarehouse(server);
    const uri = 'gs://b/reports/report_low_stock/dt=2026-01-01/report_low_stock.csv';
    const out = await w.exportCsv(
      { sql: 'SELECT * FROM r WHERE report_date = @d', params: { d: '2026-01-01' }, uri },
      { identity },
    );
    expect(out.rowsExported).toBe(3);
    const [query, extract] = server.jobInserts();
    const dest = query!.body.configuration.query.destinationTable;
    expect(dest).toMatchObject({
      projectId: FIXTURE_PROJECT,
      datasetId: 'ecommerce_data',
      tableId: expect.stringMatching(/^_sluice_export_/),
    });
    expect(query!.body.configuration.query.writeDisposition).toBe('WRITE_TRUNCATE');
    expect(extract!.body.configuration.extract).toEqual({
      sourceTable: dest,
      destinationUris: [uri],
      destinationFormat: 'CSV',
      fieldDelimiter: ',',
      printHeader: true,
    });
    expect(
      server.requests.some((x) => x.method === 'DELETE' && x.path.endsWith(`/tables/${dest.tableId}`)),
    ).toBe(true);
  });

  it('dry-runs a statement and returns the bytes it would process', async () => {
    server.onQuery({ match: (sql) => sql.includes('fact_orders'), totalBytesProcessed: '987654321' });
    const w = fixtureWarehouse(server);
    expect(w.capabilities.dryRun).toBe(true);
    expect(await w.dryRun('SELECT * FROM `my-project.ecommerce_data.fact_orders`')).toEqual({
      bytesProcessed: 987654321,
    });
    expect(server.jobInserts()[0]!.body.configuration.dryRun).toBe(true);
  });

  it('turns permission, not-found and SQL errors into one line naming the table or the job', async () => {
    server.deniedTables.add('fact_orders');
    server.onQuery({ match: (sql) => sql.includes('SELEC '), errorResult: 'error-invalid-query.json' });
    server.datasets.set('ecommerce_data', {});
    const w = fixtureWarehouse(server);
    const denied = (await w
      .ensureTables(allTables.filter((t) => t.name === 'fact_orders'))
      .catch((e: unknown) => e)) as Error;
    expect(denied).toMatchObject({ code: 'E_WAREHOUSE_PERMISSION' });
    expect(denied.message).toMatch(
      /^BigQuery: Access Denied: Table my-project:ecommerce_data\.fact_orders: .*\(while reading table my-project\.ecommerce_data\.fact_orders\); grant /,
    );
    expect(denied.message).not.toContain('\n');
    const bad = (await w.query('SELEC 1', { identity }).catch((e: unknown) => e)) as Error;
    expect(bad).toMatchObject({ code: 'E_WAREHOUSE_QUERY' });
    expect(bad.message).toMatch(
      /^BigQuery: Syntax error: .* \(while running "SELEC 1" \(job sluice_.*_query_[0-9a-f]{24}\)\)$/,
    );
    await expect(w.loadLines({ uris: ['/tmp/a.jsonl'], table: 'x' })).rejects.toMatchObject({
      code: 'E_WAREHOUSE_UNSUPPORTED',
    });
  });

  it('cancels the job when the signal aborts', async () => {
    server.onQuery({ match: (sql) => sql.includes('slow'), runningPolls: 1000 });
    const w = fixtureWarehouse(server);
    const controller = new AbortController();
    const running = w.execute('SELECT slow', { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(running).rejects.toMatchObject({ code: 'E_WAREHOUSE_CANCELLED' });
    expect(server.requests.some((x) => x.method === 'POST' && x.path.endsWith('/cancel'))).toBe(true);
  });

  it('is what openWarehouse builds for SLUICE_WAREHOUSE=bigquery', async () => {
    const config = compileConfig({
      env: { SLUICE_WAREHOUSE: 'bigquery', GCP_PROJECT: 'acme', BQ_LOCATION: 'EU', BQ_DATASET: 'shop' },
      cwd: '/tmp',
      projectDir: '/tmp',
      fileOverrides: {},
      flags: {},
    });
    const w = await openWarehouse(config);
    expect(w.dialect).toBe('bigquery');
    expect(w.dataset).toBe('shop');
    expect(w.qualify('fact_orders')).toBe('`acme.shop.fact_orders`');
    expect(w.capabilities).toEqual({ singleWriter: false, dryRun: true });
  });
});

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v && typeof v === 'object' && !Array.isArray(v))
        return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)));
      return v;
    }),
  );
}
