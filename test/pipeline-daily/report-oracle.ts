/**
 * Independent computations of the four daily reports in plain TypeScript, straight from DESIGN.md, over the
 * rows a test generated (not over the warehouse, and not with the report SQL). Money is in integer cents.
 */

export interface OracleCustomer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly tier: string;
  readonly registrationDate: string;
  readonly isCurrent: boolean;
}

export interface OracleProduct {
  readonly productId: string;
  readonly name: string;
  readonly category: string;
  readonly stockLevel: number;
}

export interface OracleLine {
  readonly orderId: string;
  readonly lineNumber: number;
  readonly orderDate: string;
  readonly customerId: string;
  readonly productId: string;
  readonly category: string;
  readonly region: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly status: 'completed' | 'pending' | 'failed';
}

export interface OracleCheck {
  readonly checkName: string;
  readonly intervalStart: string;
  readonly status: 'pass' | 'warn' | 'fail';
  readonly rowsFailed: number;
}

const DAY_MS = 86_400_000;

/** Whole days from `a` to `b` (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** `day` plus `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Cents as a fixed 2-dp string. */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** a / b rounded half away from zero to 2 dp, as a string, for non-negative integers. */
export function ratio2(a: number, b: number): string {
  const hundredths = Math.floor((200 * a + b) / (2 * b));
  return money(hundredths);
}

export function inactiveCustomers(
  d: string,
  customers: readonly OracleCustomer[],
  lines: readonly OracleLine[],
) {
  const out: Record<string, unknown>[] = [];
  for (const c of customers) {
    if (!c.isCurrent) continue;
    const mine = lines.filter(
      (l) => l.customerId === c.customerId && l.status === 'completed' && l.orderDate <= d,
    );
    const last = mine.reduce<string | null>(
      (m, l) => (m === null || l.orderDate > m ? l.orderDate : m),
      null,
    );
    const days = daysBetween(last ?? c.registrationDate, d);
    if (days < 30) continue;
    out.push({
      customer_id: c.customerId,
      name: c.name,
      email: c.email,
      customer_tier: c.tier,
      last_order_date: last,
      days_inactive: days,
      lifetime_revenue: money(mine.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0)),
    });
  }
  return out.sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)));
}

export function lowStock(d: string, products: readonly OracleProduct[], lines: readonly OracleLine[]) {
  const from = addDays(d, -6);
  const out: Record<string, unknown>[] = [];
  for (const p of products) {
    const units = lines
      .filter(
        (l) =>
          l.productId === p.productId && l.status === 'completed' && l.orderDate >= from && l.orderDate <= d,
      )
      .reduce((s, l) => s + l.quantity, 0);
    if (units <= 0) continue;
    const cover = (p.stockLevel * 7) / units; // stock / (units / 7)
    if (!(cover < 7)) continue;
    out.push({
      product_id: p.productId,
      product_name: p.name,
      category: p.category,
      stock_level: p.stockLevel,
      units_sold_7d: units,
      avg_daily_units: ratio2(units, 7),
      days_of_cover: ratio2(7 * p.stockLevel, units),
      severity: p.stockLevel === 0 ? 'out_of_stock' : cover < 3 ? 'critical' : 'low',
    });
  }
  return out.sort((a, b) => String(a.product_id).localeCompare(String(b.product_id)));
}

export function revenueTrends(d: string, lines: readonly OracleLine[]) {
  type Cell = { revenue: number; orders: Set<string>; units: number };
  const cells = new Map<string, Cell>();
  for (const l of lines) {
    if (l.status !== 'completed') continue;
    const key = `${l.orderDate}|${l.region}|${l.category}`;
    const cell = cells.get(key) ?? { revenue: 0, orders: new Set<string>(), units: 0 };
    cell.revenue += l.quantity * l.unitPriceCents;
    cell.orders.add(l.orderId);
    cell.units += l.quantity;
    cells.set(key, cell);
  }
  const groups = new Set([...cells.keys()].map((k) => k.split('|').slice(1).join('|')));
  const out: Record<string, unknown>[] = [];
  for (let offset = -89; offset <= 0; offset++) {
    const day = addDays(d, offset);
    for (const g of groups) {
      const cell = cells.get(`${day}|${g}`);
      if (!cell || cell.revenue <= 0) continue;
      let window = 0;
      for (let k = 0; k < 7; k++) window += cells.get(`${addDays(day, -k)}|${g}`)?.revenue ?? 0;
      const [region, category] = g.split('|');
      out.push({
        day,
        region,
        category,
        revenue: money(cell.revenue),
        orders: cell.orders.size,
        units: cell.units,
        // (window cents / 100) / 7, rounded half up to 2 dp = round(window / 7) cents.
        revenue_7d_avg: money(Math.floor((2 * window + 7) / 14)),
      });
    }
  }
  return out.sort((a, b) =>
    `${a.day}|${a.region}|${a.category}`.localeCompare(`${b.day}|${b.region}|${b.category}`),
  );
}

export function dqSummary(d: string, checks: readonly OracleCheck[]) {
  const by = new Map<
    string,
    { executions: number; passes: number; warns: number; fails: number; rows_failed: number }
  >();
  for (const c of checks) {
    if (c.intervalStart.slice(0, 10) !== d) continue;
    const s = by.get(c.checkName) ?? { executions: 0, passes: 0, warns: 0, fails: 0, rows_failed: 0 };
    s.executions++;
    if (c.status === 'pass') s.passes++;
    if (c.status === 'warn') s.warns++;
    if (c.status === 'fail') s.fails++;
    s.rows_failed += c.rowsFailed;
    by.set(c.checkName, s);
  }
  return [...by.entries()]
    .map(([check_name, s]) => ({ check_name, ...s }))
    .sort((a, b) => a.check_name.localeCompare(b.check_name));
}
