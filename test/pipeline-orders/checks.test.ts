/**
 * The order checks at their edges, on DuckDB directly (the SQL of quality/orders, run as the check runner runs
 * it): amount_mismatch in exact decimals around the 0.01 tolerance and the half-cent rounding, and the
 * duplicate and reconciliation accounting of a small batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlHarness, type SqlHarness } from './sql-harness.ts';

const BATCH = 'checks';

function order(id: string, items: [number, string][], total: string): string {
  const list = items.map(
    ([q, p], i) => `{"product_id": "PROD-${1000 + i}", "quantity": ${q}, "unit_price": ${p}}`,
  );
  return `{"order_id": "${id}", "customer_id": "CUST-1001", "order_timestamp": "2026-01-01T10:00:00", "items": [${list.join(', ')}], "total_amount": ${total}, "payment_status": "completed"}`;
}

describe('order checks at their edges', () => {
  let h: SqlHarness;
  const failing = async (check: string) =>
    (await h.rows<{ sample_key: string }>(`quality/orders/${check}`, { batch_id: BATCH })).map(
      (r) => r.sample_key,
    );

  beforeAll(async () => {
    h = await openSqlHarness();
    const lines = [
      order('exact', [[3, '0.1']], '0.3'), // 3 x 0.1 is 0.3 exactly (0.30000000000000004 as doubles)
      order('off-by-0.01', [[1, '10.00']], '10.01'), // not more than 0.01
      order('off-by-0.011', [[1, '10.00']], '10.011'),
      order('half-cent', [[3, '0.335']], '1.00'), // round(1.005, 2) = 1.01: 0.01 off, not flagged
      order('half-cent-2', [[3, '0.335']], '0.99'), // 0.02 off
      order('big', [[1000, '1234567.89']], '1234567890.00'),
      order('big-off', [[1000, '1234567.89']], '1234567891.00'),
      order('dup', [[1, '5']], '5'),
      order('dup', [[2, '5']], '10'),
      '{"order_id": "broken',
    ];
    await h.objects.write('landing/orders/checks.jsonl', `${lines.join('\n')}\n`);
    const uri = h.objects.uri('landing/orders/checks.jsonl');
    await h.warehouse.loadLines({
      uris: [uri],
      table: 'staging_orders_raw',
      constants: { batch_id: BATCH },
      sourceNames: { [uri]: 'landing/orders/checks.jsonl' },
    });
    await h.run('sql/orders/stage_orders', { batch_id: BATCH });
    await h.run('sql/orders/quarantine_lines', { batch_id: BATCH });
  });
  afterAll(() => h?.close());

  it('flags exactly the orders more than 0.01 off, in exact decimals', async () => {
    expect((await failing('amount_mismatch')).map((k) => k.split(' ')[0]).sort()).toEqual([
      'big-off',
      'half-cent-2',
      'off-by-0.011',
    ]);
  });

  it('counts the dropped copy and reconciles every line', async () => {
    expect(await failing('duplicate_order_ids')).toEqual(['landing/orders/checks.jsonl:8']);
    expect(await failing('schema_validation')).toEqual(['landing/orders/checks.jsonl:10 invalid_json']);
    expect(await failing('batch_reconciliation')).toEqual([]);
  });

  it('reconciliation names a line that was lost', async () => {
    await h.query(`DELETE FROM ecommerce_data.staging_orders WHERE order_id = 'exact'`);
    expect(await failing('batch_reconciliation')).toEqual([
      'landing/orders/checks.jsonl:1 neither kept, quarantined nor a copy of a kept order',
    ]);
  });

  it('reconciliation names a line read twice once, and a line kept twice', async () => {
    // Line 1 is lost since the test above; read a second time it is reported as read twice, not also as lost.
    await h.query(
      `INSERT INTO ecommerce_data.staging_orders_raw (batch_id, source_file, line_number, raw_line)
       SELECT batch_id, source_file, line_number, raw_line FROM ecommerce_data.staging_orders_raw
       WHERE batch_id = '${BATCH}' AND line_number = 1`,
    );
    await h.query(
      `INSERT INTO ecommerce_data.staging_orders SELECT * FROM ecommerce_data.staging_orders
       WHERE batch_id = '${BATCH}' AND line_number = 2`,
    );
    expect((await failing('batch_reconciliation')).sort()).toEqual([
      'landing/orders/checks.jsonl:1 read more than once',
      'landing/orders/checks.jsonl:2 kept or quarantined more than once',
    ]);
  });
});
