/**
 * load_products / load_customers as jobs: snapshot choice through the file ledger, archive, skip without a
 * snapshot, header failures naming the file and the column, and the quarantine threshold that stops a merge.
 * Days are in the future because the local bucket's landing time is the file's creation time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import loadCustomers from '../../jobs/load_customers.ts';
import loadProducts from '../../jobs/load_products.ts';
import type { FileLedger } from '../../src/ports/file-ledger.ts';
import { isJobOutcome } from '../../src/sdk/index.ts';
import { type Bed, openBed } from './harness.ts';
import { sampleCustomers, sampleProducts, withPrices, withTiers } from './snapshot-files.ts';

const D = '2099-03-01';
const BATCH = 'daily_batch_processing__20990301T0000Z';
let bed: Bed;
let ledger: FileLedger;

beforeEach(async () => {
  bed = await openBed({ ledger: true });
  ledger = bed.ledger!;
});
afterEach(async () => {
  await bed?.close();
});

const count = async (table: string) =>
  Number((await bed.rows(`SELECT COUNT(*) AS n FROM ${bed.warehouse.qualify(table)}`))[0]!.n);
const names = async (prefix: string) => {
  const out: string[] = [];
  for await (const o of bed.objects.list(prefix)) out.push(o.name);
  return out;
};
const checks = () =>
  bed.rows(
    `SELECT check_id, check_name, target_table, batch_id, severity, status, rows_checked, rows_failed, sample FROM ${bed.warehouse.qualify('data_quality_checks')} ORDER BY check_id`,
  );

describe('dimension load jobs', () => {
  it('skips without a snapshot', async () => {
    const result = await bed.runJob(loadProducts, D, { taskId: 'load_products', ledger });
    expect(isJobOutcome(result) && result.__sluice).toBe('skip');
    expect(await count('dim_products')).toBe(0);
  });

  it('loads the snapshot, archives it under dt=D/<batch>, audits it; a re-run of the day changes nothing', async () => {
    await bed.objects.write('landing/products/products_1.csv', sampleProducts());
    await bed.objects.write('landing/customers/customers_1.csv', sampleCustomers());
    const p = await bed.runJob(loadProducts, D, { taskId: 'load_products', ledger });
    const c = await bed.runJob(loadCustomers, D, { taskId: 'load_customers', ledger });
    expect(p).toMatchObject({
      snapshot: 'landing/products/products_1.csv',
      rowsRead: 100,
      rowsQuarantined: 0,
    });
    expect(c).toMatchObject({
      snapshot: 'landing/customers/customers_1.csv',
      rowsRead: 1000,
      rowsMerged: 1000,
    });
    expect(await names('landing/')).toEqual([]);
    expect(await names('archive/')).toEqual([
      `archive/customers/dt=${D}/${BATCH}/customers_1.csv`,
      `archive/products/dt=${D}/${BATCH}/products_1.csv`,
    ]);
    const entry = (await ledger.list({ entity: 'products' }))[0]!;
    expect(entry).toMatchObject({ state: 'archived', linesRead: 100, linesKept: 100, linesQuarantined: 0 });
    expect(await checks()).toEqual([
      expect.objectContaining({
        check_id: `${BATCH}__load_customers__customer_snapshot_validation`,
        target_table: 'dim_customers',
        status: 'pass',
        rows_checked: 1000,
        rows_failed: 0,
      }),
      expect.objectContaining({
        check_id: `${BATCH}__load_products__product_snapshot_validation`,
        batch_id: BATCH,
        severity: 'warn',
        status: 'pass',
        rows_checked: 100,
      }),
    ]);
    const dims = async () => ({
      p: await bed.rows(`SELECT * FROM ${bed.warehouse.qualify('dim_products')} ORDER BY ALL`),
      c: await bed.rows(`SELECT * FROM ${bed.warehouse.qualify('dim_customers')} ORDER BY ALL`),
      q: await checks(),
    });
    const before = await dims();
    await bed.runJob(loadProducts, D, { taskId: 'load_products', ledger });
    await bed.runJob(loadCustomers, D, { taskId: 'load_customers', ledger });
    expect(await dims()).toEqual(before);
  });

  it('takes the newest of several waiting snapshots and archives the others unloaded', async () => {
    await bed.objects.write(
      'landing/customers/a_old.csv',
      withTiers(sampleCustomers(), { 'CUST-1000': 'gold' }),
    );
    // Written second: the later landing time (and, on a tie, the later name) makes it the newest.
    await bed.objects.write(
      'landing/customers/b_new.csv',
      withTiers(sampleCustomers(), { 'CUST-1000': 'silver' }),
    );
    const result = await bed.runJob(loadCustomers, D, { taskId: 'load_customers', ledger });
    expect(result).toMatchObject({
      snapshot: 'landing/customers/b_new.csv',
      superseded: ['landing/customers/a_old.csv'],
    });
    const tier = await bed.rows(
      `SELECT customer_tier FROM ${bed.warehouse.qualify('dim_customers')} WHERE customer_id = 'CUST-1000'`,
    );
    expect(tier).toEqual([{ customer_tier: 'silver' }]);
    expect((await names('archive/')).length).toBe(2);
  });

  it('fails without retry naming the file and the column when the header is not usable', async () => {
    await bed.objects.write(
      'landing/products/no_stock.csv',
      'product_id,product_name,category,price\nPROD-1,A,Books,1.00\n',
    );
    await expect(bed.runJob(loadProducts, D, { taskId: 'load_products', ledger })).rejects.toMatchObject({
      code: 'E_NON_RETRYABLE',
      message: expect.stringMatching(/landing\/products\/no_stock\.csv: header has no column stock_level/),
    });
    await bed.objects.delete('landing/products/no_stock.csv');
    await bed.objects.write('landing/customers/headerless.csv', 'CUST-1,A,a@x,2025-01-01,gold\n');
    await expect(bed.runJob(loadCustomers, D, { taskId: 'load_customers', ledger })).rejects.toMatchObject({
      code: 'E_NON_RETRYABLE',
      message: expect.stringMatching(/landing\/customers\/headerless\.csv: header has no column customer_id/),
    });
    expect(await names('landing/customers/')).toEqual(['landing/customers/headerless.csv']);
  });

  it('fails without retry naming the file when the CSV reader rejects a row', async () => {
    await bed.objects.write(
      'landing/products/ragged.csv',
      'product_id,product_name,category,price,stock_level\nPROD-1,A,Books,1.00,3\nPROD-2,B,Books,1.00,3,extra\n',
    );
    await expect(bed.runJob(loadProducts, D, { taskId: 'load_products', ledger })).rejects.toMatchObject({
      code: 'E_NON_RETRYABLE',
      message: expect.stringMatching(
        /^landing\/products\/ragged\.csv: the products snapshot cannot be read as CSV/,
      ),
    });
    expect(await count('dim_products')).toBe(0);
  });

  it('does not merge a snapshot with too many bad rows, keeps it claimed and records a failed check', async () => {
    await bed.objects.write('landing/products/good.csv', sampleProducts());
    await bed.runJob(loadProducts, '2099-02-28', { taskId: 'load_products', ledger });
    const before = await bed.rows(`SELECT * FROM ${bed.warehouse.qualify('dim_products')} ORDER BY ALL`);
    const broken = withPrices(sampleProducts(), {
      'PROD-1000': 'n/a',
      'PROD-1001': 'n/a',
      'PROD-1002': 'n/a',
      'PROD-1003': 'n/a',
      'PROD-1004': 'n/a',
      'PROD-1005': 'n/a',
    });
    await bed.objects.write('landing/products/broken.csv', broken);
    await expect(bed.runJob(loadProducts, D, { taskId: 'load_products', ledger })).rejects.toMatchObject({
      code: 'E_NON_RETRYABLE',
      message: expect.stringMatching(/broken\.csv: 6 of 100 rows quarantined \(more than 5%\)/),
    });
    expect(await bed.rows(`SELECT * FROM ${bed.warehouse.qualify('dim_products')} ORDER BY ALL`)).toEqual(
      before,
    );
    expect(await names('landing/products/')).toEqual(['landing/products/broken.csv']);
    const failed = (await checks()).find(
      (r) => r.check_id === `${BATCH}__load_products__product_snapshot_validation`,
    );
    expect(failed).toMatchObject({ severity: 'error', status: 'fail', rows_failed: 6 });
    expect(JSON.parse(String(failed!.sample))).toEqual([
      'PROD-1000: invalid_field_type price',
      'PROD-1001: invalid_field_type price',
      'PROD-1002: invalid_field_type price',
      'PROD-1003: invalid_field_type price',
      'PROD-1004: invalid_field_type price',
      'PROD-1005: invalid_field_type price',
    ]);
    // With a looser threshold the same file goes through: the good rows merge, the bad ones stay quarantined.
    const ok = await bed.runJob(loadProducts, D, {
      taskId: 'load_products',
      ledger,
      params: { maxQuarantinedPct: 10 },
    });
    expect(ok).toMatchObject({ rowsRead: 100, rowsQuarantined: 6, rowsMerged: 94 });
  });

  it('reports objects that are not snapshots once and ignores them', async () => {
    await bed.objects.write('landing/products/readme.txt', 'not a snapshot');
    await bed.objects.write('landing/products/empty.csv', '');
    const result = await bed.runJob(loadProducts, D, { taskId: 'load_products', ledger });
    expect(isJobOutcome(result) && result.__sluice).toBe('skip');
    await bed.runJob(loadProducts, D, { taskId: 'load_products', ledger });
    expect(bed.logs.filter((l) => l.startsWith('warn ignored'))).toHaveLength(2);
  });
});
