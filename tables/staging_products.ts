import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'staging_products',
  description:
    'The product snapshot CSV of a daily batch, as text (loaded by loadCsv; typed when merged into dim_products).',
  columns: {
    batch_id: { type: 'string', required: true, description: 'Run id of the batch' },
    source_file: { type: 'string', required: true, description: 'Object name of the CSV' },
    product_id: { type: 'string', description: 'CSV column product_id' },
    product_name: { type: 'string', description: 'CSV column product_name' },
    category: { type: 'string', description: 'CSV column category' },
    price: { type: 'string', description: 'CSV column price (text)' },
    stock_level: { type: 'string', description: 'CSV column stock_level (text)' },
  },
  primaryKey: ['batch_id', 'product_id'],
});
