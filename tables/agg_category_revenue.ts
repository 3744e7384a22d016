import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'agg_category_revenue',
  description:
    'Completed revenue per order date and product category, recomputed for every date a batch touched.',
  columns: {
    order_date: { type: 'date', required: true, description: 'UTC order date' },
    category: { type: 'string', required: true, description: 'Product category, or unknown' },
    revenue: { type: 'decimal', required: true, description: 'Sum of line_total, completed orders' },
    units: { type: 'int64', required: true, description: 'Sum of quantity, completed orders' },
    orders: { type: 'int64', required: true, description: 'Distinct completed orders' },
    updated_at: { type: 'timestamp', required: true, description: 'When the row was last recomputed' },
  },
  primaryKey: ['order_date', 'category'],
});
