/**
 * backfill_references on a real DuckDB warehouse: fact lines published before their product or customer was
 * known get the reference once it exists, and agg_category_revenue of exactly the affected days is recomputed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import backfillReferences from '../../jobs/backfill_references.ts';
import { type Bed, openBed } from './harness.ts';
import type { OracleLine } from './report-oracle.ts';
import { seedCustomers, seedLines, seedProducts } from './seed.ts';

let bed: Bed;
beforeEach(async () => {
  bed = await openBed();
});
afterEach(async () => {
  await bed?.close();
});

const line = (
  orderId: string,
  lineNumber: number,
  orderDate: string,
  customerId: string,
  productId: string,
  quantity: number,
  cents: number,
  status: OracleLine['status'] = 'completed',
): OracleLine => ({
  orderId,
  lineNumber,
  orderDate,
  customerId,
  productId,
  category: 'unknown',
  region: 'West',
  quantity,
  unitPriceCents: cents,
  status,
});

describe('backfill_references', () => {
  it('enriches unknown tiers and categories whose reference now exists and recomputes the affected days', async () => {
    const lines = [
      line('O1', 1, '2026-05-01', 'C-KNOWN', 'P-KNOWN', 2, 1000),
      line('O1', 2, '2026-05-01', 'C-KNOWN', 'P-MISSING', 1, 500),
      line('O2', 1, '2026-05-02', 'C-MISSING', 'P-KNOWN', 1, 1000, 'pending'),
      line('O3', 1, '2026-05-03', 'C-MISSING', 'P-MISSING', 3, 700),
    ];
    await seedLines(bed, lines, { tier: () => 'unknown', productName: () => null });
    await seedProducts(bed, [
      { productId: 'P-KNOWN', name: 'Known product', category: 'Books', stockLevel: 5 },
    ]);
    await seedCustomers(bed, '2026-05-10', [
      {
        customerId: 'C-KNOWN',
        name: 'Known',
        email: 'k@x',
        tier: 'gold',
        registrationDate: '2025-01-01',
        isCurrent: true,
      },
    ]);
    // The aggregates as the order pipeline left them: everything under 'unknown'. 05-03 is not affected
    // (its only product is still unknown), so its deliberately odd row must survive untouched.
    const agg = bed.warehouse.qualify('agg_category_revenue');
    await bed.warehouse.execute(
      `INSERT INTO ${agg} VALUES
        ('2026-05-01', 'unknown', 25.00, 3, 1, TIMESTAMP '2026-05-01 12:00:00'),
        ('2026-05-03', 'unknown', 99.99, 9, 9, TIMESTAMP '2026-05-03 12:00:00')`,
    );

    await bed.runJob(backfillReferences, '2026-05-10');

    const fact = await bed.rows(
      `SELECT order_id, line_number, customer_tier, product_name, category FROM ${bed.warehouse.qualify('fact_orders')} ORDER BY order_id, line_number`,
    );
    expect(fact).toEqual([
      {
        order_id: 'O1',
        line_number: 1,
        customer_tier: 'gold',
        product_name: 'Known product',
        category: 'Books',
      },
      { order_id: 'O1', line_number: 2, customer_tier: 'gold', product_name: null, category: 'unknown' },
      {
        order_id: 'O2',
        line_number: 1,
        customer_tier: 'unknown',
        product_name: 'Known product',
        category: 'Books',
      },
      { order_id: 'O3', line_number: 1, customer_tier: 'unknown', product_name: null, category: 'unknown' },
    ]);
    const rows = await bed.rows(
      `SELECT order_date, category, revenue, units, orders FROM ${agg} ORDER BY ALL`,
    );
    expect(rows).toEqual([
      // 05-01 recomputed: Books 2 x 10.00, unknown 1 x 5.00. 05-02 has only a pending line: no row.
      { order_date: '2026-05-01', category: 'Books', revenue: '20', units: 2, orders: 1 },
      { order_date: '2026-05-01', category: 'unknown', revenue: '5', units: 1, orders: 1 },
      { order_date: '2026-05-03', category: 'unknown', revenue: '99.99', units: 9, orders: 9 },
    ]);

    // Nothing left to enrich: a second run changes nothing, not even updated_at.
    const before = await bed.rows(`SELECT * FROM ${agg} ORDER BY ALL`);
    await bed.runJob(backfillReferences, '2026-05-10');
    expect(await bed.rows(`SELECT * FROM ${agg} ORDER BY ALL`)).toEqual(before);
  });
});
