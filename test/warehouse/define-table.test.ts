import { describe, expect, it } from 'vitest';
import { defineTable } from '../../src/sdk/define-table.ts';
import { allTables } from '../../tables/index.ts';

describe('defineTable and tables/', () => {
  it('defines every table of the design, once, with its file name as its name', async () => {
    const names = allTables.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const t of [
      'staging_orders_raw',
      'staging_orders',
      'quarantine_orders',
      'fact_orders',
      'dim_products',
      'dim_customers',
      'agg_hourly_metrics',
      'agg_category_revenue',
      'data_quality_checks',
      'report_inactive_customers',
      'report_low_stock',
      'report_revenue_trends',
      'report_dq_daily_summary',
      'ref_state_regions',
    ])
      expect(names).toContain(t);
    for (const t of allTables) {
      const mod = (await import(`../../tables/${t.name}.ts`)) as { default: unknown };
      expect(mod.default).toBe(t);
    }
  });

  it('keeps the fact columns of the design and money as decimal', () => {
    const fact = allTables.find((t) => t.name === 'fact_orders')!;
    expect(fact.columns.map((c) => c.name)).toEqual(
      'order_id line_number order_timestamp order_date hour_start customer_id customer_tier product_id product_name category quantity unit_price line_total order_total payment_status street city state zipcode country region batch_id source_file loaded_at'.split(
        ' ',
      ),
    );
    expect(fact.partitionBy).toBe('order_date');
    expect(fact.clusterBy).toEqual(['customer_id']);
    for (const c of ['unit_price', 'line_total', 'order_total'])
      expect(fact.columns.find((x) => x.name === c)?.type).toBe('decimal');
  });

  it('seeds the region reference table: West, East, South (everything else is Other)', () => {
    const ref = allTables.find((t) => t.name === 'ref_state_regions')!;
    const region = Object.fromEntries((ref.seed ?? []).map((r) => [r.state, r.region]));
    expect(region).toEqual({
      CA: 'West',
      OR: 'West',
      WA: 'West',
      NY: 'East',
      NJ: 'East',
      PA: 'East',
      TX: 'South',
      AZ: 'South',
      NM: 'South',
    });
  });

  it('refuses definitions that cannot be rendered, naming the table and column', () => {
    const base = { name: 't', description: 'd', primaryKey: ['a'] } as const;
    const col = { type: 'string', description: 'x' } as const;
    expect(() => defineTable({ ...base, name: 'Bad-Name', columns: { a: col } })).toThrow(/snake_case/);
    expect(() =>
      defineTable({ ...base, columns: { a: { type: 'text' as never, description: 'x' } } }),
    ).toThrow(/table t: column a has unknown type text/);
    expect(() => defineTable({ ...base, columns: { a: col }, primaryKey: ['b'] })).toThrow(
      'table t: primaryKey names unknown column b',
    );
    expect(() => defineTable({ ...base, columns: { a: col }, partitionBy: 'a' })).toThrow(
      /date or timestamp/,
    );
    expect(() =>
      defineTable({ ...base, columns: { a: { ...col, required: true } }, seed: [{ a: null }] }),
    ).toThrow('table t: seed row 1 lacks required column a');
    expect(() => defineTable({ ...base, columns: { a: { type: 'string', description: ' ' } } })).toThrow(
      /needs a description/,
    );
  });
});
