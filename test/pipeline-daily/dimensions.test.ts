/**
 * Dimension loads on a real DuckDB warehouse from CSV files in a real local bucket, through the same SQL the
 * load jobs run (reset -> loadCsv -> validate -> merge): the upstream samples, a second snapshot with 3 tier
 * and 2 price changes, re-runs, and broken rows quarantined with their reasons.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCustomers } from '../../scripts/generate/customers.ts';
import { generateProducts } from '../../scripts/generate/products.ts';
import type { Row } from '../../src/ports/warehouse.ts';
import { type Bed, openBed } from './harness.ts';
import {
  CUSTOMER_COLUMNS,
  PRODUCT_COLUMNS,
  parseCsv,
  sampleCustomers,
  sampleProducts,
  withPrices,
  withTiers,
} from './snapshot-files.ts';

let bed: Bed;
beforeEach(async () => {
  bed = await openBed();
});
afterEach(async () => {
  await bed?.close();
});

/** Load one snapshot file for day `day` the way load_products / load_customers do, minus the ledger. */
async function loadDimension(entity: 'products' | 'customers', csv: string, day: string, name = 'snap.csv') {
  const object = `landing/${entity}/${day}-${name}`;
  await bed.objects.write(object, csv);
  return loadObject(entity, object, day);
}

async function loadObject(entity: 'products' | 'customers', object: string, day: string) {
  const batch = `daily_batch_processing__${day.replaceAll('-', '')}T0000Z`;
  const singular = entity === 'products' ? 'product' : 'customer';
  await bed.warehouse.execute(bed.render(`sql/dimensions/reset_${singular}_batch`), {
    params: { batch_id: batch },
  });
  const uri = bed.objects.uri(object);
  await bed.warehouse.loadCsv({
    uris: [uri],
    table: `staging_${entity}`,
    columns: entity === 'products' ? PRODUCT_COLUMNS : CUSTOMER_COLUMNS,
    constants: { batch_id: batch },
    sourceNames: { [uri]: object },
  });
  await bed.warehouse.execute(bed.render(`sql/dimensions/validate_${entity}`), {
    params: { batch_id: batch },
  });
  await bed.warehouse.execute(bed.render(`sql/dimensions/merge_dim_${entity}`), {
    params: {
      batch_id: batch,
      ...(entity === 'customers' ? { valid_from: new Date(`${day}T00:00:00Z`) } : {}),
    },
  });
  return batch;
}

const products = () => bed.rows(`SELECT * FROM ${bed.warehouse.qualify('dim_products')} ORDER BY product_id`);
const customers = () =>
  bed.rows(`SELECT * FROM ${bed.warehouse.qualify('dim_customers')} ORDER BY customer_id, valid_from`);
const quarantine = (entity: string, batch: string) =>
  bed.rows(
    `SELECT * EXCLUDE (quarantined_at, batch_id, source_file) FROM ${bed.warehouse.qualify(`quarantine_${entity}`)} WHERE batch_id = $b ORDER BY ALL`,
    { b: batch },
  );

describe('dimension snapshots', () => {
  it('loads the upstream samples: every product and one current version per customer', async () => {
    await loadDimension('products', sampleProducts(), '2026-04-01');
    await loadDimension('customers', sampleCustomers(), '2026-04-01');
    const p = await products();
    const sample = parseCsv(sampleProducts()).rows;
    expect(p).toHaveLength(sample.length);
    expect(p[0]).toMatchObject({
      product_id: 'PROD-1000',
      product_name: 'Electronics Product 1000',
      category: 'Electronics',
      price: '125.73',
      stock_level: 222,
    });
    const c = await customers();
    expect(c).toHaveLength(parseCsv(sampleCustomers()).rows.length);
    expect(c.every((r) => r.is_current === true && r.valid_to === null)).toBe(true);
    expect(c[0]).toMatchObject({
      customer_id: 'CUST-1000',
      registration_date: '2025-02-01',
      customer_tier: 'bronze',
      valid_from: expect.stringMatching(/^2026-04-01T00:00:00/),
    });
  });

  it('loads snapshots from the generators (CRLF rows, Python csv quoting) row for row', async () => {
    const atMicros = Date.parse('2026-04-01T06:00:00Z') * 1000;
    const p = await generateProducts(bed.objects, { seed: 'daily', atMicros, count: 250 });
    const c = await generateCustomers(bed.objects, { seed: 'daily', atMicros, count: 400 });
    const pb = await loadObject('products', p.files[0]!.name, '2026-04-01');
    const cb = await loadObject('customers', c.files[0]!.name, '2026-04-01');
    expect(await quarantine('products', pb)).toEqual([]);
    expect(await quarantine('customers', cb)).toEqual([]);
    expect(await products()).toHaveLength(250);
    expect(await customers()).toHaveLength(400);
    const text = await bed.objects.readText(p.files[0]!.name);
    const firstRow = text.split('\r\n')[1]!.split(',');
    expect((await products())[0]).toMatchObject({
      product_id: firstRow[0],
      stock_level: Number(firstRow[4]),
    });
  });

  it('a second snapshot with 3 tier changes and 2 price changes: 3 new versions, 2 updated products; a re-run changes nothing', async () => {
    await loadDimension('products', sampleProducts(), '2026-04-01');
    await loadDimension('customers', sampleCustomers(), '2026-04-01');
    const p1 = await products();
    const c1 = await customers();

    const tiers = { 'CUST-1000': 'gold', 'CUST-1001': 'silver', 'CUST-1500': 'platinum' };
    const prices = { 'PROD-1000': '130.00', 'PROD-1050': '1.50' };
    const productsV2 = withPrices(sampleProducts(), prices);
    const customersV2 = withTiers(sampleCustomers(), tiers);
    await loadDimension('products', productsV2, '2026-04-02');
    await loadDimension('customers', customersV2, '2026-04-02');
    const p2 = await products();
    const c2 = await customers();

    const changed = p2.filter((r, i) => JSON.stringify(r) !== JSON.stringify(p1[i]));
    expect(changed.map((r) => [r.product_id, r.price])).toEqual([
      ['PROD-1000', '130'],
      ['PROD-1050', '1.5'],
    ]);
    expect(p2).toHaveLength(p1.length);

    expect(c2).toHaveLength(c1.length + 3);
    const opened = c2.filter((r) => String(r.valid_from).startsWith('2026-04-02'));
    expect(opened.map((r) => [r.customer_id, r.customer_tier, r.is_current])).toEqual([
      ['CUST-1000', 'gold', true],
      ['CUST-1001', 'silver', true],
      ['CUST-1500', 'platinum', true],
    ]);
    const closed = c2.filter((r) => r.is_current === false);
    expect(closed.map((r) => [r.customer_id, String(r.valid_to).slice(0, 10)])).toEqual([
      ['CUST-1000', '2026-04-02'],
      ['CUST-1001', '2026-04-02'],
      ['CUST-1500', '2026-04-02'],
    ]);
    const current = await bed.rows(
      `SELECT customer_id, COUNT(*) AS n FROM ${bed.warehouse.qualify('dim_customers')} WHERE is_current GROUP BY customer_id HAVING COUNT(*) <> 1`,
    );
    expect(current).toEqual([]);

    // The same day again, and the same snapshot on a later day: no change at all.
    await loadDimension('products', productsV2, '2026-04-02', 'again.csv');
    await loadDimension('customers', customersV2, '2026-04-02', 'again.csv');
    await loadDimension('customers', customersV2, '2026-04-03');
    expect(await products()).toEqual(p2);
    expect(await customers()).toEqual(c2);
  });

  it('a corrected snapshot for the same day fixes the version opened that day instead of adding one', async () => {
    await loadDimension('customers', sampleCustomers(), '2026-04-01');
    await loadDimension('customers', withTiers(sampleCustomers(), { 'CUST-1000': 'gold' }), '2026-04-02');
    await loadDimension(
      'customers',
      withTiers(sampleCustomers(), { 'CUST-1000': 'silver' }),
      '2026-04-02',
      'fix.csv',
    );
    const versions = (await customers()).filter((r) => r.customer_id === 'CUST-1000');
    expect(versions.map((r) => [String(r.valid_from).slice(0, 10), r.customer_tier, r.is_current])).toEqual([
      ['2026-04-01', 'bronze', false],
      ['2026-04-02', 'silver', true],
    ]);
  });

  it('an older day never rewrites newer history', async () => {
    await loadDimension('customers', sampleCustomers(), '2026-04-05');
    await loadDimension('customers', withTiers(sampleCustomers(), { 'CUST-1000': 'gold' }), '2026-04-01');
    const versions = (await customers()).filter((r) => r.customer_id === 'CUST-1000');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ customer_tier: 'bronze', is_current: true });
  });

  it('quarantines a missing value, a duplicate key, a non-numeric price and a bad date with reasons', async () => {
    const productCsv = `product_id,product_name,category,price,stock_level
PROD-1,Good,Books,12.50,3
PROD-2,Bad price,Books,abc,3
PROD-3,No stock,Books,12.50,
PROD-4,Dup A,Books,1.00,2
PROD-4,Dup B,Books,2.00,7
PROD-5,Fractional stock,Books,1.00,2.5
PROD-6,Negative price,Books,-1,2
,No id,Books,1,1
PROD-7,,Books,1,1
`;
    const batch = await loadDimension('products', productCsv, '2026-04-01');
    expect((await quarantine('products', batch)).map(reasonOf('product_id'))).toEqual([
      ['PROD-2', 'invalid_field_type', 'price'],
      ['PROD-3', 'missing_required_field', 'stock_level'],
      ['PROD-4', 'duplicate_key', 'product_id'],
      ['PROD-4', 'duplicate_key', 'product_id'],
      ['PROD-5', 'invalid_field_type', 'stock_level'],
      ['PROD-6', 'invalid_field_value', 'price'],
      ['PROD-7', 'missing_required_field', 'product_name'],
      [null, 'missing_required_field', 'product_id'],
    ]);
    expect((await products()).map((r) => r.product_id)).toEqual(['PROD-1']);

    const customerCsv = `customer_id,name,email,registration_date,customer_tier
CUST-1,Good,a@x,2025-01-01,gold
CUST-2,Feb 30,b@x,2025-02-30,gold
CUST-3,Short date,c@x,2025-1-1,gold
CUST-4,Not a date,d@x,yesterday,gold
CUST-5,No tier,e@x,2025-01-01,
CUST-6,Dup,f@x,2025-01-01,gold
CUST-6,Dup,f@x,2025-01-02,silver
`;
    const cbatch = await loadDimension('customers', customerCsv, '2026-04-01');
    expect((await quarantine('customers', cbatch)).map(reasonOf('customer_id'))).toEqual([
      ['CUST-2', 'invalid_field_type', 'registration_date'],
      ['CUST-3', 'invalid_field_type', 'registration_date'],
      ['CUST-4', 'invalid_field_type', 'registration_date'],
      ['CUST-5', 'missing_required_field', 'customer_tier'],
      ['CUST-6', 'duplicate_key', 'customer_id'],
      ['CUST-6', 'duplicate_key', 'customer_id'],
    ]);
    expect((await customers()).map((r) => r.customer_id)).toEqual(['CUST-1']);
  });
});

function reasonOf(key: string) {
  return (r: Row) => [r[key], r.reason_code, r.reason_detail];
}
