/**
 * The Warehouse contract: behaviour every adapter must show, whatever the engine. Run by
 * `duckdb-warehouse.test.ts` for real and by `bigquery-warehouse.test.ts` against the recorded-protocol
 * fixture server (the scenarios marked `data: true` need a real engine and run on BigQuery only live).
 */
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TableDefinition } from '../../src/ports/table-definition.ts';
import type { Warehouse } from '../../src/ports/warehouse.ts';
import { defineTable } from '../../src/sdk/define-table.ts';
import { sqlTypeName } from '../../src/sql/column-types.ts';

export interface WarehouseHarness {
  readonly warehouse: Warehouse;
  /** Store an object where this warehouse loads from; returns its URI (a path locally, gs:// on GCS). */
  putObject(name: string, content: string | Uint8Array): Promise<string>;
  /** Read back an exported object. */
  readObject(uri: string): Promise<string>;
  /** A URI for an object that will be written by an export. */
  objectUri(name: string): string;
  cleanup(): Promise<void>;
}

export interface ContractOptions {
  /** Run the scenarios that need a real engine holding data (loads, exports, transactions). */
  readonly data: boolean;
}

export const contractRawTable: TableDefinition = defineTable({
  name: 'contract_raw',
  description: 'raw lines for the contract suite',
  columns: {
    batch_id: { type: 'string', required: true, description: 'batch' },
    source_file: { type: 'string', required: true, description: 'file' },
    line_number: { type: 'int64', required: true, description: 'line' },
    raw_line: { type: 'string', required: true, description: 'text' },
    landed_at: { type: 'timestamp', description: 'landed' },
  },
  primaryKey: ['batch_id', 'source_file', 'line_number'],
});

export const contractCsvTable: TableDefinition = defineTable({
  name: 'contract_csv',
  description: 'csv rows for the contract suite',
  columns: {
    batch_id: { type: 'string', required: true, description: 'batch' },
    source_file: { type: 'string', required: true, description: 'file' },
    product_id: { type: 'string', description: 'id' },
    price: { type: 'string', description: 'price' },
  },
  primaryKey: ['batch_id', 'product_id'],
});

export const contractMoneyTable: TableDefinition = defineTable({
  name: 'contract_money',
  description: 'typed values for the contract suite',
  columns: {
    id: { type: 'int64', required: true, description: 'id' },
    amount: { type: 'decimal', description: 'money' },
    at: { type: 'timestamp', description: 'time' },
    day: { type: 'date', description: 'date' },
  },
  primaryKey: ['id'],
});

export const contractRegions: TableDefinition = defineTable({
  name: 'contract_regions',
  description: 'seeded reference table',
  columns: {
    state: { type: 'string', required: true, description: 'state' },
    region: { type: 'string', required: true, description: 'region' },
  },
  primaryKey: ['state'],
  seed: [
    { state: 'CA', region: 'West' },
    { state: 'NY', region: 'East' },
  ],
});

export const contractTables = [contractRawTable, contractCsvTable, contractMoneyTable, contractRegions];

/** Run the Warehouse contract against the harness `make` builds (fresh per test). */
export function warehouseContract(
  label: string,
  make: () => Promise<WarehouseHarness>,
  options: ContractOptions,
): void {
  describe(`Warehouse contract: ${label}`, () => {
    let h: WarehouseHarness;
    let w: Warehouse;
    const p = (name: string) => (w.dialect === 'bigquery' ? `@${name}` : `$${name}`);
    const t = (type: Parameters<typeof sqlTypeName>[1]) => sqlTypeName(w.dialect, type);

    beforeEach(async () => {
      h = await make();
      w = h.warehouse;
    });
    afterEach(async () => {
      await w.close();
      await h.cleanup();
    });

    it('creates the dataset and tables once, then reports them unchanged', async () => {
      const first = await w.ensureTables(contractTables);
      expect(first.created).toEqual(contractTables.map((x) => x.name));
      expect(first.unchanged).toEqual([]);
      const second = await w.ensureTables(contractTables);
      expect(second.created).toEqual([]);
      expect(second.unchanged).toEqual(contractTables.map((x) => x.name));
      expect(second.updated ?? []).toEqual([]);
    });

    it('returns rows in the port conventions: decimals as strings, safe integers as numbers, ISO timestamps, dates', async () => {
      const r = await w.query(
        `SELECT CAST(${p('i')} AS ${t('int64')}) AS i, CAST(${p('d')} AS ${t('decimal')}) AS d,
                CAST(${p('ts')} AS ${t('timestamp')}) AS ts, CAST(${p('day')} AS ${t('date')}) AS day,
                ${p('s')} AS s, ${p('b')} AS b, CAST(${p('n')} AS ${t('string')}) AS n,
                CAST('9007199254740993' AS ${t('int64')}) AS big`,
        {
          params: {
            i: 42,
            d: '12.50',
            ts: new Date('2026-01-02T03:04:05.678Z'),
            day: '2026-01-02',
            s: 'x',
            b: true,
            n: null,
          },
        },
      );
      expect(r.rows).toEqual([
        {
          i: 42,
          d: '12.5',
          ts: '2026-01-02T03:04:05.678000Z',
          day: '2026-01-02',
          s: 'x',
          b: true,
          n: null,
          big: '9007199254740993',
        },
      ]);
    });

    it('names the table when it does not exist', async () => {
      await expect(w.query(`SELECT * FROM ${w.qualify('no_such_table')}`)).rejects.toMatchObject({
        code: 'E_WAREHOUSE_NOT_FOUND',
        message: expect.stringContaining('no_such_table'),
      });
    });

    if (!options.data) return;

    it('seeds reference tables and completes missing seed rows without touching existing ones', async () => {
      await w.ensureTables([contractRegions]);
      await w.execute(`UPDATE ${w.qualify('contract_regions')} SET region = 'Coast' WHERE state = 'CA'`);
      await w.execute(`DELETE FROM ${w.qualify('contract_regions')} WHERE state = 'NY'`);
      const again = await w.ensureTables([contractRegions]);
      expect(again.updated).toEqual(['contract_regions']);
      const rows = await w.query(`SELECT state, region FROM ${w.qualify('contract_regions')} ORDER BY state`);
      expect(rows.rows).toEqual([
        { state: 'CA', region: 'Coast' },
        { state: 'NY', region: 'East' },
      ]);
    });

    it('runs a multi-statement script atomically: a failing statement undoes the earlier ones', async () => {
      await w.ensureTables([contractMoneyTable]);
      const table = w.qualify('contract_money');
      const ok = await w.execute(
        `INSERT INTO ${table} (id, amount) VALUES (1, CAST(${p('a')} AS ${t('decimal')}));
         INSERT INTO ${table} (id, amount) VALUES (2, CAST('0.000000001' AS ${t('decimal')}))`,
        { params: { a: '1234567890123.123456789' } },
      );
      expect(ok.rowsAffected).toBe(2);
      await expect(
        w.execute(`DELETE FROM ${table} WHERE id = 1; INSERT INTO ${table} (id) VALUES (NULL)`),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^E_WAREHOUSE_/) });
      const rows = await w.query(`SELECT id, amount FROM ${table} ORDER BY id`);
      expect(rows.rows).toEqual([
        { id: 1, amount: '1234567890123.123456789' },
        { id: 2, amount: '0.000000001' },
      ]);
    });

    it('loads raw lines with physical line numbers: CRLF, BOM, blank lines, gzip, empty files', async () => {
      await w.ensureTables([contractRawTable]);
      const a = await h.putObject('landing/orders/a.jsonl', '\uFEFF{"n":1}\r\n\r\n{"n":3}\r\n   \r\n{"n":5}');
      const b = await h.putObject('landing/orders/b.jsonl.gz', gzipSync(Buffer.from('{"n":1}\n\n{"n":3}\n')));
      const e = await h.putObject('landing/orders/empty.jsonl', '');
      const q = await h.putObject('landing/orders/q.jsonl', '"quoted, with comma"\t\\x\n{"s":"a\\"b"}\n');
      const landed = new Date('2026-01-01T10:00:00Z');
      const result = await w.loadLines({
        uris: [a, b, e, q],
        table: 'contract_raw',
        constants: { batch_id: 'b1' },
        sourceNames: { [a]: 'landing/orders/a.jsonl', [b]: 'landing/orders/b.jsonl.gz', [e]: 'e', [q]: 'q' },
        fileConstants: { [a]: { landed_at: landed } },
      });
      expect(result.rowsLoaded).toBe(7);
      const rows = await w.query(
        `SELECT source_file, line_number, raw_line, batch_id, landed_at FROM ${w.qualify('contract_raw')} ORDER BY source_file, line_number`,
      );
      expect(rows.rows).toEqual([
        {
          source_file: 'landing/orders/a.jsonl',
          line_number: 1,
          raw_line: '{"n":1}',
          batch_id: 'b1',
          landed_at: '2026-01-01T10:00:00.000000Z',
        },
        {
          source_file: 'landing/orders/a.jsonl',
          line_number: 3,
          raw_line: '{"n":3}',
          batch_id: 'b1',
          landed_at: '2026-01-01T10:00:00.000000Z',
        },
        {
          source_file: 'landing/orders/a.jsonl',
          line_number: 5,
          raw_line: '{"n":5}',
          batch_id: 'b1',
          landed_at: '2026-01-01T10:00:00.000000Z',
        },
        {
          source_file: 'landing/orders/b.jsonl.gz',
          line_number: 1,
          raw_line: '{"n":1}',
          batch_id: 'b1',
          landed_at: null,
        },
        {
          source_file: 'landing/orders/b.jsonl.gz',
          line_number: 3,
          raw_line: '{"n":3}',
          batch_id: 'b1',
          landed_at: null,
        },
        {
          source_file: 'q',
          line_number: 1,
          raw_line: '"quoted, with comma"\t\\x',
          batch_id: 'b1',
          landed_at: null,
        },
        { source_file: 'q', line_number: 2, raw_line: '{"s":"a\\"b"}', batch_id: 'b1', landed_at: null },
      ]);
    });

    it('loads CSV with a header (a short row pads with NULL), and names the file and the column when the header is wrong', async () => {
      await w.ensureTables([contractCsvTable]);
      const good = await h.putObject('landing/products/p.csv', 'product_id,price\nP1,1.50\n"P,2",2\nP3\n');
      const bad = await h.putObject('landing/products/bad.csv', 'product_id,prize\nP1,1\n');
      const res = await w.loadCsv({
        uris: [good],
        table: 'contract_csv',
        columns: ['product_id', 'price'],
        constants: { batch_id: 'b1' },
        sourceNames: { [good]: 'landing/products/p.csv' },
      });
      expect(res.rowsLoaded).toBe(3);
      const rows = await w.query(`SELECT * FROM ${w.qualify('contract_csv')} ORDER BY product_id`);
      expect(rows.rows).toEqual([
        { batch_id: 'b1', source_file: 'landing/products/p.csv', product_id: 'P,2', price: '2' },
        { batch_id: 'b1', source_file: 'landing/products/p.csv', product_id: 'P1', price: '1.50' },
        { batch_id: 'b1', source_file: 'landing/products/p.csv', product_id: 'P3', price: null },
      ]);
      await expect(
        w.loadCsv({
          uris: [bad],
          table: 'contract_csv',
          columns: ['product_id', 'price'],
          constants: { batch_id: 'b2' },
          sourceNames: { [bad]: 'landing/products/bad.csv' },
        }),
      ).rejects.toMatchObject({
        code: 'E_WAREHOUSE_LOAD',
        message: expect.stringMatching(/landing\/products\/bad\.csv.*prize.*price/),
      });
    });

    it('exports a parameterised query as one CSV object with a header', async () => {
      await w.ensureTables([contractRegions]);
      const uri = h.objectUri('reports/regions/dt=2026-01-01/regions.csv');
      const out = await w.exportCsv({
        sql: `SELECT state, region FROM ${w.qualify('contract_regions')} WHERE region <> ${p('skip')} ORDER BY state`,
        params: { skip: 'East' },
        uri,
      });
      expect(out.rowsExported).toBe(1);
      expect((await h.readObject(uri)).trim().split(/\r?\n/)).toEqual(['state,region', 'CA,West']);
    });
  });
}
