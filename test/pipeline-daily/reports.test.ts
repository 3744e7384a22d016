/**
 * The four daily reports, built by their jobs on a real DuckDB warehouse and exported to a real local bucket,
 * against an independent TypeScript computation over the generated input (report-oracle.ts).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reportDqDailySummary from '../../jobs/report_dq_daily_summary.ts';
import reportInactiveCustomers from '../../jobs/report_inactive_customers.ts';
import reportLowStock from '../../jobs/report_low_stock.ts';
import reportRevenueTrends from '../../jobs/report_revenue_trends.ts';
import type { Row } from '../../src/ports/warehouse.ts';
import { dp2 } from './decimal.ts';
import { type Bed, openBed } from './harness.ts';
import { reportData } from './report-data.ts';
import { addDays, dqSummary, inactiveCustomers, lowStock, revenueTrends } from './report-oracle.ts';
import { seedChecks, seedCustomers, seedLines, seedProducts } from './seed.ts';

const D = '2026-03-15';
const data = reportData(D);
let bed: Bed;

async function reportRows(table: string, orderBy: string, day = D): Promise<Row[]> {
  return bed.rows(
    `SELECT * EXCLUDE (report_date) FROM ${bed.warehouse.qualify(table)} WHERE report_date = CAST($d AS DATE) ORDER BY ${orderBy}`,
    { d: day },
  );
}

async function exported(report: string, day = D): Promise<string> {
  return readFile(bed.objects.uri(`reports/${report}/dt=${day}/${report}.csv`), 'utf8');
}

beforeAll(async () => {
  bed = await openBed();
  await seedCustomers(bed, D, data.customers);
  await seedProducts(bed, data.products);
  await seedLines(bed, data.lines);
  await seedChecks(bed, data.checks);
});

afterAll(async () => {
  await bed?.close();
});

describe('daily reports against an independent computation', () => {
  it('report_inactive_customers: exactly-30-days and never-ordered edges, current versions only', async () => {
    const result = await bed.runJob(reportInactiveCustomers, D);
    const rows = (await reportRows('report_inactive_customers', 'customer_id')).map(
      (r): Row => ({
        ...r,
        lifetime_revenue: dp2(r.lifetime_revenue),
      }),
    );
    const expected = inactiveCustomers(D, data.customers, data.lines);
    expect(rows).toEqual(expected);
    const ids = rows.map((r) => r.customer_id);
    expect(ids).toEqual(expect.arrayContaining(['CUST-E30', 'CUST-NEVER30', 'CUST-PENDING', 'CUST-AFTER']));
    expect(ids).not.toContain('CUST-E29');
    expect(ids).not.toContain('CUST-NEVER29');
    expect(rows.filter((r) => r.customer_id === 'CUST-OLDVERSION').map((r) => r.customer_tier)).not.toContain(
      'bronze',
    );
    expect(rows.find((r) => r.customer_id === 'CUST-E30')).toMatchObject({
      last_order_date: addDays(D, -30),
      days_inactive: 30,
    });
    expect(rows.find((r) => r.customer_id === 'CUST-NEVER30')).toMatchObject({
      last_order_date: null,
      days_inactive: 30,
      lifetime_revenue: '0.00',
    });
    expect(result).toMatchObject({ rows: expected.length, reportDate: D });
  });

  it('report_low_stock: zero stock, critical, low; cover of exactly 7 days and sales outside the window excluded', async () => {
    await bed.runJob(reportLowStock, D);
    const rows = (await reportRows('report_low_stock', 'product_id')).map(
      (r): Row => ({
        ...r,
        avg_daily_units: dp2(r.avg_daily_units),
        days_of_cover: dp2(r.days_of_cover),
      }),
    );
    expect(rows).toEqual(lowStock(D, data.products, data.lines));
    const bySeverity = Object.fromEntries(rows.map((r) => [r.product_id, r.severity]));
    expect(bySeverity).toMatchObject({
      'PROD-ZERO': 'out_of_stock',
      'PROD-CRIT': 'critical',
      'PROD-LOW': 'low',
    });
    expect(bySeverity['PROD-SEVEN']).toBeUndefined();
    expect(bySeverity['PROD-OUTSIDE']).toBeUndefined();
  });

  it('report_revenue_trends: 90 days, 7 calendar days per average with gap days as zero', async () => {
    await bed.runJob(reportRevenueTrends, D);
    const rows = (await reportRows('report_revenue_trends', 'day, region, category')).map(
      (r): Row => ({
        ...r,
        revenue: dp2(r.revenue),
        revenue_7d_avg: dp2(r.revenue_7d_avg),
      }),
    );
    expect(rows).toEqual(revenueTrends(D, data.lines));
    const south = rows.filter((r) => r.region === 'South' && r.category === 'Clothing');
    // D-3: 21.00; D: 10.50 -> (21.00 + 0 + 0 + 10.50) / 7 = 4.50 with the gap days counted as zero.
    expect(south.find((r) => r.day === D)).toMatchObject({ revenue: '10.50', revenue_7d_avg: '4.50' });
    // D-89 (1.01) also counts D-90 (44.44) and D-92 (9.99), which are before the reported range.
    expect(south.find((r) => r.day === addDays(D, -89))).toMatchObject({ revenue_7d_avg: '7.92' });
    expect(rows.some((r) => String(r.day) < addDays(D, -89) || String(r.day) > D)).toBe(false);
  });

  it('report_dq_daily_summary: the checks of runs whose interval starts on D', async () => {
    await bed.runJob(reportDqDailySummary, D);
    const rows = await reportRows('report_dq_daily_summary', 'check_name');
    expect(rows).toEqual(dqSummary(D, data.checks));
    expect(rows.find((r) => r.check_name === 'amount_mismatch')).toMatchObject({
      executions: 2,
      warns: 1,
      passes: 1,
      fails: 0,
      rows_failed: 3,
    });
  });

  it('exports each report as CSV equal to its table rows, and a re-run of D changes neither', async () => {
    const reports = [
      ['report_inactive_customers', reportInactiveCustomers, 'customer_id'],
      ['report_low_stock', reportLowStock, 'product_id'],
      ['report_revenue_trends', reportRevenueTrends, 'day, region, category'],
      ['report_dq_daily_summary', reportDqDailySummary, 'check_name'],
    ] as const;
    for (const [name, job, orderBy] of reports) {
      await bed.runJob(job, D);
      const before = { rows: await reportRows(name, orderBy), csv: await exported(name) };
      const lines = before.csv.trimEnd().split('\n');
      expect(lines[0]!.split(',')[0]).toBe('report_date');
      expect(lines.length - 1).toBe(before.rows.length);
      await bed.runJob(job, D);
      expect({ rows: await reportRows(name, orderBy), csv: await exported(name) }).toEqual(before);
    }
  });

  it('replaces only its own report_date', async () => {
    const dayBefore = addDays(D, -1);
    const ofD = await reportRows('report_low_stock', 'product_id');
    await bed.runJob(reportLowStock, dayBefore);
    expect(await reportRows('report_low_stock', 'product_id')).toEqual(ofD);
    const rows = (await reportRows('report_low_stock', 'product_id', dayBefore)).map(
      (r): Row => ({
        ...r,
        avg_daily_units: dp2(r.avg_daily_units),
        days_of_cover: dp2(r.days_of_cover),
      }),
    );
    expect(rows).toEqual(lowStock(dayBefore, data.products, data.lines));
  });
});
