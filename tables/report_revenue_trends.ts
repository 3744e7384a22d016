import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'report_revenue_trends',
  description:
    'Daily completed revenue per region and category over D-89..D with a 7-day average. Replaced per report_date.',
  columns: {
    report_date: { type: 'date', required: true, description: 'Day D of the report' },
    day: { type: 'date', required: true, description: 'Day d in D-89..D' },
    region: { type: 'string', required: true, description: 'Sales region' },
    category: { type: 'string', required: true, description: 'Product category' },
    revenue: { type: 'decimal', required: true, description: 'Completed revenue on day d' },
    orders: { type: 'int64', required: true, description: 'Distinct completed orders on day d' },
    units: { type: 'int64', required: true, description: 'Completed units on day d' },
    revenue_7d_avg: {
      type: 'decimal',
      required: true,
      description: 'Revenue of the 7 calendar days ending d, / 7',
    },
  },
  primaryKey: ['report_date', 'day', 'region', 'category'],
  partitionBy: 'report_date',
});
