/**
 * Deterministic report test data around a day D, with the edges the reports must get right: a customer
 * inactive exactly 30 days (and one at 29), customers who never ordered (registered 30 and 29 days before D),
 * one with only pending orders, one whose only completed order is after D, a closed (non-current) customer
 * version; a product with zero stock, critical and low cover, cover of exactly 7 days (excluded), sales only
 * outside the 7-day window; a region/category with a gap day in its 7-day window and sales before the
 * 90-day range that still count in the first windows. Plus random filler from a seeded generator.
 */
import type { OracleCheck, OracleCustomer, OracleLine, OracleProduct } from './report-oracle.ts';
import { addDays } from './report-oracle.ts';

export interface ReportData {
  readonly customers: OracleCustomer[];
  readonly products: OracleProduct[];
  readonly lines: OracleLine[];
  readonly checks: OracleCheck[];
}

/** A small seeded PRNG (mulberry32), so the data is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['West', 'East', 'South', 'Other'] as const;
const CATEGORIES = ['Books', 'Sports', 'Electronics', 'Clothing'] as const;
const STATUSES = ['completed', 'pending', 'failed'] as const;

/** Build the data set for day `d` (YYYY-MM-DD). */
export function reportData(d: string, seed = 7): ReportData {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const customers: OracleCustomer[] = [];
  const cust = (id: string, registrationDate: string, isCurrent = true, tier = 'bronze') =>
    customers.push({
      customerId: id,
      name: `Customer ${id}`,
      email: `${id.toLowerCase()}@example.com`,
      tier,
      registrationDate,
      isCurrent,
    });
  cust('CUST-E30', addDays(d, -400), true, 'gold'); // last completed order exactly D-30: in
  cust('CUST-E29', addDays(d, -400)); // last completed order D-29: out
  cust('CUST-NEVER30', addDays(d, -30)); // never ordered, registered D-30: in
  cust('CUST-NEVER29', addDays(d, -29)); // never ordered, registered D-29: out
  cust('CUST-PENDING', addDays(d, -200), true, 'silver'); // only pending orders: counts as never ordered
  cust('CUST-AFTER', addDays(d, -200)); // only completed order is on D+1: counts as never ordered up to D
  cust('CUST-OLDVERSION', addDays(d, -300), false, 'bronze'); // closed version: not a current customer
  cust('CUST-OLDVERSION', addDays(d, -300), true, 'platinum');
  for (let i = 0; i < 30; i++)
    cust(`CUST-${1000 + i}`, addDays(d, -Math.floor(rnd() * 200)), true, pick(['bronze', 'silver', 'gold']));

  const products: OracleProduct[] = [];
  const prod = (id: string, category: string, stockLevel: number) =>
    products.push({ productId: id, name: `Product ${id}`, category, stockLevel });
  prod('PROD-ZERO', 'Books', 0); // sold in the window, no stock: out_of_stock
  prod('PROD-CRIT', 'Books', 2); // 2 in stock, 14 sold: cover 1.00 -> critical
  prod('PROD-LOW', 'Sports', 10); // 10 in stock, 14 sold: cover 5.00 -> low
  prod('PROD-SEVEN', 'Sports', 14); // 14 in stock, 14 sold: cover exactly 7 -> out
  prod('PROD-OUTSIDE', 'Electronics', 0); // sold only on D-7: not in the window -> out
  for (let i = 0; i < 15; i++) prod(`PROD-${1000 + i}`, pick(CATEGORIES), Math.floor(rnd() * 60));

  const lines: OracleLine[] = [];
  let orderNo = 0;
  const order = (
    day: string,
    customerId: string,
    items: { productId: string; category: string; quantity: number; cents: number }[],
    status: OracleLine['status'] = 'completed',
    region = 'West',
  ) => {
    const orderId = `ORD-${String(++orderNo).padStart(5, '0')}`;
    for (const [i, it] of items.entries())
      lines.push({
        orderId,
        lineNumber: i + 1,
        orderDate: day,
        customerId,
        productId: it.productId,
        category: it.category,
        region,
        quantity: it.quantity,
        unitPriceCents: it.cents,
        status,
      });
  };
  const item = (productId: string, quantity: number, cents: number, category = 'Books') => ({
    productId,
    category,
    quantity,
    cents,
  });
  order(addDays(d, -30), 'CUST-E30', [item('PROD-1000', 1, 1999)]);
  order(addDays(d, -45), 'CUST-E30', [item('PROD-1001', 2, 501)]);
  order(addDays(d, -10), 'CUST-E30', [item('PROD-1001', 1, 700)], 'pending');
  order(addDays(d, -29), 'CUST-E29', [item('PROD-1000', 1, 1000)]);
  order(addDays(d, -5), 'CUST-PENDING', [item('PROD-1002', 1, 1234)], 'pending');
  order(addDays(d, 1), 'CUST-AFTER', [item('PROD-1002', 1, 999)]);
  // Low stock: 14 completed units each in D-6..D, split over days; pending units do not count.
  order(addDays(d, -6), 'CUST-1000', [item('PROD-ZERO', 3, 1500), item('PROD-CRIT', 7, 250)]);
  order(d, 'CUST-1001', [item('PROD-CRIT', 7, 250), item('PROD-ZERO', 1, 1500)]);
  order(addDays(d, -2), 'CUST-1002', [
    item('PROD-LOW', 14, 800, 'Sports'),
    item('PROD-SEVEN', 14, 900, 'Sports'),
  ]);
  order(addDays(d, -1), 'CUST-1003', [item('PROD-SEVEN', 50, 900, 'Sports')], 'pending');
  order(addDays(d, -7), 'CUST-1004', [item('PROD-OUTSIDE', 5, 100, 'Electronics')]);
  order(addDays(d, 1), 'CUST-1005', [item('PROD-LOW', 99, 800, 'Sports')]);
  // Revenue trends: South/Clothing sells on D-3 and D only (gap days in between count as zero), and on
  // D-92 / D-90, before the 90-day range but inside the windows of its first days; D-96 is outside all.
  order(addDays(d, -3), 'CUST-1006', [item('PROD-1003', 2, 1050, 'Clothing')], 'completed', 'South');
  order(d, 'CUST-1007', [item('PROD-1003', 1, 1050, 'Clothing')], 'completed', 'South');
  order(addDays(d, -92), 'CUST-1008', [item('PROD-1003', 3, 333, 'Clothing')], 'completed', 'South');
  order(addDays(d, -90), 'CUST-1008', [item('PROD-1003', 1, 4444, 'Clothing')], 'completed', 'South');
  order(addDays(d, -89), 'CUST-1008', [item('PROD-1003', 1, 101, 'Clothing')], 'completed', 'South');
  order(addDays(d, -96), 'CUST-1009', [item('PROD-1003', 1, 77777, 'Clothing')], 'completed', 'South');
  // Filler: random orders over D-100..D+1 by the random customers (and an unknown customer).
  for (let i = 0; i < 150; i++) {
    const n = 1 + Math.floor(rnd() * 3);
    const items = Array.from({ length: n }, () => {
      const p = products[5 + Math.floor(rnd() * 15)]!;
      return item(p.productId, 1 + Math.floor(rnd() * 4), 100 + Math.floor(rnd() * 50000), p.category);
    });
    const who = rnd() < 0.1 ? 'CUST-UNKNOWN' : `CUST-${1010 + Math.floor(rnd() * 20)}`;
    order(addDays(d, 1 - Math.floor(rnd() * 102)), who, items, pick(STATUSES), pick(REGIONS));
  }

  const checks: OracleCheck[] = [];
  const at = (day: string, hhmm: string) => `${day}T${hhmm}:00Z`;
  const check = (
    checkName: string,
    intervalStart: string,
    status: OracleCheck['status'],
    rowsFailed: number,
  ) => checks.push({ checkName, intervalStart, status, rowsFailed });
  check('amount_mismatch', at(d, '00:00'), 'warn', 3);
  check('amount_mismatch', at(d, '23:45'), 'pass', 0);
  check('amount_mismatch', at(addDays(d, -1), '23:45'), 'warn', 9); // the day before: not in D
  check('amount_mismatch', at(addDays(d, 1), '00:00'), 'fail', 4); // the day after: not in D
  check('schema_validation', at(d, '10:15'), 'fail', 12);
  check('schema_validation', at(d, '10:30'), 'warn', 1);
  check('batch_reconciliation', at(d, '10:30'), 'pass', 0);
  return { customers, products, lines, checks };
}
