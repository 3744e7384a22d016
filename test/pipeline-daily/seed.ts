/**
 * Writes generated test rows straight into the warehouse tables (fact lines where the order pipeline would
 * publish them, dimension rows, data-quality results), with bound parameters in batches.
 */
import type { SqlValue } from '../../src/ports/warehouse.ts';
import type { Bed } from './harness.ts';
import type { OracleCheck, OracleCustomer, OracleLine, OracleProduct } from './report-oracle.ts';
import { addDays, money } from './report-oracle.ts';

async function insert(bed: Bed, table: string, columns: string[], rows: SqlValue[][]): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += 200) {
    const chunk = rows.slice(offset, offset + 200);
    const params: Record<string, SqlValue> = {};
    const tuples = chunk.map((row, r) => {
      const cells = row.map((v, c) => {
        params[`p${r}_${c}`] = v;
        return `$p${r}_${c}`;
      });
      return `(${cells.join(', ')})`;
    });
    await bed.warehouse.execute(
      `INSERT INTO ${bed.warehouse.qualify(table)} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      { params },
    );
  }
}

/** Current (and closed) customer versions; a closed version ends where the current one starts. */
export async function seedCustomers(
  bed: Bed,
  d: string,
  customers: readonly OracleCustomer[],
): Promise<void> {
  await insert(
    bed,
    'dim_customers',
    [
      'customer_id',
      'name',
      'email',
      'registration_date',
      'customer_tier',
      'valid_from',
      'valid_to',
      'is_current',
    ],
    customers.map((c) => [
      c.customerId,
      c.name,
      c.email,
      c.registrationDate,
      c.tier,
      `${c.isCurrent ? addDays(d, -100) : addDays(d, -300)} 00:00:00`,
      c.isCurrent ? null : `${addDays(d, -100)} 00:00:00`,
      c.isCurrent,
    ]),
  );
}

export async function seedProducts(bed: Bed, products: readonly OracleProduct[]): Promise<void> {
  await insert(
    bed,
    'dim_products',
    ['product_id', 'product_name', 'category', 'price', 'stock_level', 'updated_at'],
    products.map((p) => [p.productId, p.name, p.category, '9.99', p.stockLevel, '2020-01-01 00:00:00']),
  );
}

/** Fact lines as the order pipeline publishes them (tier/category as given; unknown references stay unknown). */
export async function seedLines(
  bed: Bed,
  lines: readonly OracleLine[],
  options: { tier?: (l: OracleLine) => string; productName?: (l: OracleLine) => string | null } = {},
): Promise<void> {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.orderId, (totals.get(l.orderId) ?? 0) + l.quantity * l.unitPriceCents);
  await insert(
    bed,
    'fact_orders',
    [
      'order_id',
      'line_number',
      'order_timestamp',
      'order_date',
      'hour_start',
      'customer_id',
      'customer_tier',
      'product_id',
      'product_name',
      'category',
      'quantity',
      'unit_price',
      'line_total',
      'order_total',
      'payment_status',
      'state',
      'region',
      'batch_id',
      'source_file',
      'loaded_at',
    ],
    lines.map((l) => [
      l.orderId,
      l.lineNumber,
      `${l.orderDate} 10:30:00`,
      l.orderDate,
      `${l.orderDate} 10:00:00`,
      l.customerId,
      options.tier?.(l) ?? 'bronze',
      l.productId,
      options.productName ? options.productName(l) : `Product ${l.productId}`,
      l.category,
      l.quantity,
      money(l.unitPriceCents),
      money(l.quantity * l.unitPriceCents),
      money(totals.get(l.orderId)!),
      l.status,
      'CA',
      l.region,
      'seed',
      'landing/orders/seed.jsonl',
      `${l.orderDate} 11:00:00`,
    ]),
  );
}

export async function seedChecks(bed: Bed, checks: readonly OracleCheck[]): Promise<void> {
  await insert(
    bed,
    'data_quality_checks',
    [
      'check_id',
      'check_name',
      'target_table',
      'dag_id',
      'run_id',
      'task_id',
      'interval_start',
      'interval_end',
      'severity',
      'status',
      'rows_checked',
      'rows_failed',
      'checked_at',
    ],
    checks.map((c, i) => {
      const start = new Date(c.intervalStart);
      return [
        `seed-${i}`,
        c.checkName,
        'fact_orders',
        'order_processing_incremental',
        `order_processing_incremental__${i}`,
        'checks',
        start,
        new Date(start.getTime() + 15 * 60_000),
        'warn',
        c.status,
        100,
        c.rowsFailed,
        start,
      ];
    }),
  );
}
