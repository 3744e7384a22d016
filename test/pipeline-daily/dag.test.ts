/**
 * daily_batch_processing through the real engine, after the real order pipeline published generated orders
 * (with dimensions still empty, so every line starts 'unknown'): dimensions loaded from snapshots, references
 * backfilled, the four reports equal to an independent computation over the generated orders and snapshots,
 * and a second run of the same day leaving tables and exported CSVs byte-identical. Then a second day with
 * 3 tier changes and 2 price changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../scripts/generate/order-record.ts';
import { orderLines } from '../../scripts/generate/orders.ts';
import type { Row } from '../../src/ports/warehouse.ts';
import { DAILY, type Home, ORDERS, openHome } from './dag-harness.ts';
import { dp2 } from './decimal.ts';
import {
  addDays,
  dqSummary,
  inactiveCustomers,
  lowStock,
  type OracleCustomer,
  type OracleLine,
  type OracleProduct,
  revenueTrends,
} from './report-oracle.ts';
import { parseCsv, sampleCustomers, sampleProducts, toCsv, withPrices, withTiers } from './snapshot-files.ts';

// A day after the test's wall-clock date: the local bucket's landing time is the file's creation time, and a
// run for D takes the files that landed before D+1.
const D = '2099-04-10';
const REPORTS = [
  ['report_inactive_customers', 'customer_id'],
  ['report_low_stock', 'product_id'],
  ['report_revenue_trends', 'day, region, category'],
  ['report_dq_daily_summary', 'check_name'],
] as const;
const REGION: Record<string, string> = { CA: 'West', NY: 'East', TX: 'South', AZ: 'South' };

/** The product sample with a few stock levels made low, so the low-stock report has every severity. */
function productsSnapshot(): string {
  const { header, rows } = parseCsv(sampleProducts());
  const stock: Record<string, string> = {
    'PROD-1000': '0',
    'PROD-1001': '1',
    'PROD-1002': '2',
    'PROD-1003': '4',
  };
  return toCsv(
    header,
    rows.map((r) => (stock[r[0]!] ? [...r.slice(0, 4), stock[r[0]!]!] : r)),
  );
}

const ordersOptions = {
  seed: 'daily-dag',
  count: 600,
  files: 3,
  atMicros: Date.parse(`${D}T23:00:00Z`) * 1000,
  spreadMinutes: 14 * 24 * 60,
  unknownShare: 0.1,
} as const;

let home: Home;
let products: OracleProduct[];
let customers: OracleCustomer[];
let lines: OracleLine[];

async function reportRows(table: string, orderBy: string) {
  return home.rows(
    `SELECT * FROM ${home.qualify(table)} WHERE report_date = CAST($d AS DATE) ORDER BY ${orderBy}`,
    {
      d: D,
    },
  );
}

async function snapshotOfD() {
  const out: Record<string, unknown> = {};
  for (const [report, orderBy] of REPORTS) {
    out[report] = await reportRows(report, orderBy);
    out[`${report}.csv`] = await home.text(`reports/${report}/dt=${D}/${report}.csv`);
  }
  out.dim_products = await home.rows(`SELECT * FROM ${home.qualify('dim_products')} ORDER BY ALL`);
  out.dim_customers = await home.rows(`SELECT * FROM ${home.qualify('dim_customers')} ORDER BY ALL`);
  out.fact = await home.rows(
    `SELECT order_id, line_number, customer_tier, product_name, category FROM ${home.qualify('fact_orders')} ORDER BY ALL`,
  );
  out.checks = await home.rows(
    `SELECT * EXCLUDE (checked_at) FROM ${home.qualify('data_quality_checks')} ORDER BY check_id`,
  );
  return out;
}

beforeAll(async () => {
  home = await openHome();
  // Orders first, published while the dimensions are still empty.
  const generated = [...orderLines(ordersOptions)];
  const byFile = new Map<number, string[]>();
  for (const g of generated) byFile.set(g.file, [...(byFile.get(g.file) ?? []), g.text]);
  for (const [file, texts] of byFile)
    await home.objects.write(`landing/orders/orders_${file}.jsonl`, `${texts.join('\n')}\n`);
  const orders = await home.run(ORDERS, `${D}T23:45:00Z`);
  expect(orders.run.state, [...orders.errors.values()].join('; ')).toBe('success');
  await home.objects.write('landing/products/products_d.csv', productsSnapshot());
  await home.objects.write('landing/customers/customers_d.csv', sampleCustomers());

  products = parseCsv(productsSnapshot()).rows.map((r) => ({
    productId: r[0]!,
    name: r[1]!,
    category: r[2]!,
    stockLevel: Number(r[4]),
  }));
  customers = parseCsv(sampleCustomers()).rows.map((r) => ({
    customerId: r[0]!,
    name: r[1]!,
    email: r[2]!,
    registrationDate: r[3]!,
    tier: r[4]!,
    isCurrent: true,
  }));
  const category = new Map(products.map((p) => [p.productId, p.category]));
  lines = generated.flatMap((g) => {
    if (g.truth.type !== 'order') throw new Error(`unexpected generated line ${g.truth.type}`);
    const order: Order = g.truth.order;
    return order.items.map((item, i) => ({
      orderId: order.order_id,
      lineNumber: i + 1,
      orderDate: order.order_timestamp.slice(0, 10),
      customerId: order.customer_id,
      productId: item.product_id,
      category: category.get(item.product_id) ?? 'unknown',
      region: REGION[order.shipping_address.state] ?? 'Other',
      quantity: item.quantity,
      unitPriceCents: Math.round(item.unit_price * 100),
      status: order.payment_status as OracleLine['status'],
    }));
  });
});

afterAll(async () => {
  await home?.close();
});

describe('daily_batch_processing on the real engine', () => {
  it('runs every task for D and builds reports equal to an independent computation', async () => {
    const outcome = await home.run(DAILY, `${D}T00:00:00Z`);
    expect(outcome.run.state, [...outcome.errors.values()].join('; ')).toBe('success');
    expect(Object.fromEntries([...outcome.tasks].map(([id, t]) => [id, t.state]))).toEqual({
      load_products: 'success',
      load_customers: 'success',
      check_freshness: 'success',
      backfill_references: 'success',
      report_inactive_customers: 'success',
      report_low_stock: 'success',
      report_revenue_trends: 'success',
      report_dq_daily_summary: 'success',
      watcher: 'skipped',
    });

    // References backfilled: only lines of products/customers outside the catalogs stay unknown.
    const unknown = await home.rows(
      `SELECT COUNT(*) FILTER (WHERE category = 'unknown') AS c, COUNT(*) FILTER (WHERE customer_tier = 'unknown') AS t FROM ${home.qualify('fact_orders')}`,
    );
    expect(unknown[0]).toEqual({
      c: lines.filter((l) => l.category === 'unknown').length,
      t: lines.filter((l) => !customers.some((c) => c.customerId === l.customerId)).length,
    });

    const strip = ({ report_date: _, ...rest }: Record<string, unknown>) => rest;
    const inactive = (await reportRows('report_inactive_customers', 'customer_id')).map(
      (r): Row => ({
        ...strip(r),
        lifetime_revenue: dp2(r.lifetime_revenue),
      }),
    );
    expect(inactive).toEqual(inactiveCustomers(D, customers, lines));
    const low = (await reportRows('report_low_stock', 'product_id')).map(
      (r): Row => ({
        ...strip(r),
        avg_daily_units: dp2(r.avg_daily_units),
        days_of_cover: dp2(r.days_of_cover),
      }),
    );
    expect(low).toEqual(lowStock(D, products, lines));
    expect(low.map((r) => r.severity)).toContain('out_of_stock');
    const trends = (await reportRows('report_revenue_trends', 'day, region, category')).map(
      (r): Row => ({
        ...strip(r),
        revenue: dp2(r.revenue),
        revenue_7d_avg: dp2(r.revenue_7d_avg),
      }),
    );
    expect(trends).toEqual(revenueTrends(D, lines));
    expect(trends.length).toBeGreaterThan(50);

    const checks = await home.rows(
      `SELECT check_name, interval_start, status, rows_failed FROM ${home.qualify('data_quality_checks')}`,
    );
    const summary = (await reportRows('report_dq_daily_summary', 'check_name')).map(strip);
    expect(summary).toEqual(
      dqSummary(
        D,
        checks.map((c) => ({
          checkName: String(c.check_name),
          intervalStart: String(c.interval_start),
          status: c.status as 'pass',
          rowsFailed: Number(c.rows_failed),
        })),
      ),
    );
    // The order run of D 23:45 and the daily run's own checks are both in D's summary.
    expect(summary.map((r) => r.check_name)).toEqual(
      expect.arrayContaining([
        'schema_validation',
        'order_file_freshness',
        'product_snapshot_validation',
        'customer_snapshot_validation',
      ]),
    );

    for (const [report] of REPORTS) {
      const csv = await home.text(`reports/${report}/dt=${D}/${report}.csv`);
      expect(csv.split('\n')[0]).toMatch(/^report_date,/);
    }
    const archived: string[] = [];
    for await (const o of home.objects.list('archive/'))
      if (!o.name.startsWith('archive/orders/')) archived.push(o.name);
    expect(archived).toEqual([
      `archive/customers/dt=${D}/${DAILY}__20990410T0000Z/customers_d.csv`,
      `archive/products/dt=${D}/${DAILY}__20990410T0000Z/products_d.csv`,
    ]);
  });

  it('a second run of the same day leaves dimensions, facts, report tables, CSVs and the audit identical', async () => {
    const before = await snapshotOfD();
    const again = await home.rerun(DAILY, `${D}T00:00:00Z`);
    expect(again.run.state, [...again.errors.values()].join('; ')).toBe('success');
    expect(await snapshotOfD()).toEqual(before);
  });

  it('the next day: a snapshot with 3 tier changes and 2 price changes gives 3 new versions and 2 updated products', async () => {
    const next = addDays(D, 1);
    const productsBefore = await home.rows(
      `SELECT * FROM ${home.qualify('dim_products')} ORDER BY product_id`,
    );
    const versionsBefore = await home.rows(`SELECT * FROM ${home.qualify('dim_customers')} ORDER BY ALL`);
    await home.objects.write(
      'landing/products/products_d1.csv',
      withPrices(productsSnapshot(), { 'PROD-1010': '999.99', 'PROD-1020': '0.99' }),
    );
    await home.objects.write(
      'landing/customers/customers_d1.csv',
      withTiers(sampleCustomers(), {
        'CUST-1100': 'platinum',
        'CUST-1200': 'platinum',
        'CUST-1300': 'platinum',
      }),
    );
    const outcome = await home.run(DAILY, `${next}T00:00:00Z`);
    expect(outcome.run.state, [...outcome.errors.values()].join('; ')).toBe('success');

    const productsAfter = await home.rows(
      `SELECT * FROM ${home.qualify('dim_products')} ORDER BY product_id`,
    );
    const updated = productsAfter.filter((p, i) => JSON.stringify(p) !== JSON.stringify(productsBefore[i]));
    expect(updated.map((p) => [p.product_id, p.price])).toEqual([
      ['PROD-1010', '999.99'],
      ['PROD-1020', '0.99'],
    ]);
    const versionsAfter = await home.rows(`SELECT * FROM ${home.qualify('dim_customers')} ORDER BY ALL`);
    expect(versionsAfter).toHaveLength(versionsBefore.length + 3);
    const opened = versionsAfter.filter((v) => String(v.valid_from).startsWith(next));
    expect(opened.map((v) => [v.customer_id, v.customer_tier, v.is_current])).toEqual([
      ['CUST-1100', 'platinum', true],
      ['CUST-1200', 'platinum', true],
      ['CUST-1300', 'platinum', true],
    ]);
    // D's reports are untouched by D+1's run.
    expect((await reportRows('report_low_stock', 'product_id')).length).toBeGreaterThan(0);
  });
});
