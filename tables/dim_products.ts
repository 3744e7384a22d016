import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'dim_products',
  description: 'Product catalog, type 1 (overwritten by each daily snapshot).',
  columns: {
    product_id: { type: 'string', required: true, description: 'Upstream product id' },
    product_name: { type: 'string', description: 'Product name' },
    category: { type: 'string', description: 'Product category' },
    price: { type: 'decimal', description: 'List price' },
    stock_level: { type: 'int64', description: 'Units in stock at the snapshot' },
    updated_at: { type: 'timestamp', required: true, description: 'When the row was last written' },
  },
  primaryKey: ['product_id'],
});
