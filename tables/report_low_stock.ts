import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'report_low_stock',
  description:
    'Products that sold in the last 7 days and have less than 7 days of cover. Replaced per report_date.',
  columns: {
    report_date: { type: 'date', required: true, description: 'Day D of the report' },
    product_id: { type: 'string', required: true, description: 'Product id' },
    product_name: { type: 'string', description: 'Product name' },
    category: { type: 'string', description: 'Product category' },
    stock_level: { type: 'int64', required: true, description: 'Units in stock' },
    units_sold_7d: {
      type: 'int64',
      required: true,
      description: 'Completed units with order_date in D-6..D',
    },
    avg_daily_units: { type: 'decimal', required: true, description: 'units_sold_7d / 7' },
    days_of_cover: { type: 'decimal', required: true, description: 'stock_level / avg_daily_units' },
    severity: { type: 'string', required: true, description: 'out_of_stock, critical (< 3 days) or low' },
  },
  primaryKey: ['report_date', 'product_id'],
  partitionBy: 'report_date',
});
