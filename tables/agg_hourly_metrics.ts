import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'agg_hourly_metrics',
  description:
    'Order metrics per UTC hour of order_timestamp, recomputed from fact_orders for every hour a batch touched.',
  columns: {
    hour_start: { type: 'timestamp', required: true, description: 'Start of the UTC hour' },
    total_orders: { type: 'int64', required: true, description: 'Distinct orders, any payment status' },
    completed_orders: { type: 'int64', required: true, description: 'Distinct completed orders' },
    revenue: { type: 'decimal', required: true, description: 'Sum of line_total of completed orders' },
    items_sold: { type: 'int64', required: true, description: 'Sum of quantity of completed orders' },
    avg_order_value: {
      type: 'decimal',
      description: 'revenue / completed_orders, 2 dp; NULL when no completed order',
    },
    unique_customers: {
      type: 'int64',
      required: true,
      description: 'Distinct customers with a completed order',
    },
    updated_at: { type: 'timestamp', required: true, description: 'When the hour was last recomputed' },
  },
  primaryKey: ['hour_start'],
});
