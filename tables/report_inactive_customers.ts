import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'report_inactive_customers',
  description: 'Current customers inactive for 30+ days as of report_date. Replaced per report_date.',
  columns: {
    report_date: { type: 'date', required: true, description: 'Day D of the report' },
    customer_id: { type: 'string', required: true, description: 'Customer id' },
    name: { type: 'string', description: 'Customer name' },
    email: { type: 'string', description: 'Customer email' },
    customer_tier: { type: 'string', description: 'Current tier' },
    last_order_date: {
      type: 'date',
      description: 'Latest completed order date on or before D; NULL if none',
    },
    days_inactive: {
      type: 'int64',
      required: true,
      description: 'D - last_order_date, else D - registration_date',
    },
    lifetime_revenue: { type: 'decimal', required: true, description: 'Completed revenue up to D' },
  },
  primaryKey: ['report_date', 'customer_id'],
  partitionBy: 'report_date',
});
