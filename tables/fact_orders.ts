import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'fact_orders',
  description:
    'One row per order line (item). Upserted per order: a later version of an order replaces all of its lines.',
  columns: {
    order_id: { type: 'string', required: true, description: 'Upstream order id' },
    line_number: { type: 'int64', required: true, description: '1-based position of the item in items' },
    order_timestamp: { type: 'timestamp', required: true, description: 'Order time, UTC' },
    order_date: {
      type: 'date',
      required: true,
      description: 'UTC date of order_timestamp (partition column on BigQuery)',
    },
    hour_start: {
      type: 'timestamp',
      required: true,
      description: 'order_timestamp truncated to the UTC hour',
    },
    customer_id: { type: 'string', required: true, description: 'Upstream customer id' },
    customer_tier: {
      type: 'string',
      required: true,
      description: 'Tier of the current customer row, or unknown',
    },
    product_id: { type: 'string', required: true, description: 'Upstream product id' },
    product_name: { type: 'string', description: 'From dim_products; NULL while the product is unknown' },
    category: { type: 'string', required: true, description: 'From dim_products, or unknown' },
    quantity: { type: 'int64', required: true, description: 'Units ordered (>= 1)' },
    unit_price: { type: 'decimal', required: true, description: 'Price per unit' },
    line_total: { type: 'decimal', required: true, description: 'quantity * unit_price' },
    order_total: {
      type: 'decimal',
      required: true,
      description: 'total_amount of the order as sent upstream',
    },
    payment_status: {
      type: 'string',
      description: 'completed, pending or failed; revenue counts completed only',
    },
    street: { type: 'string', description: 'Shipping street' },
    city: { type: 'string', description: 'Shipping city' },
    state: { type: 'string', description: 'Shipping state code' },
    zipcode: { type: 'string', description: 'Shipping zip code' },
    country: { type: 'string', description: 'Shipping country' },
    region: {
      type: 'string',
      required: true,
      description: 'Sales region of state (ref_state_regions), else Other',
    },
    batch_id: {
      type: 'string',
      required: true,
      description: 'Run id of the batch that last wrote the order',
    },
    source_file: { type: 'string', required: true, description: 'Object the order came from' },
    loaded_at: { type: 'timestamp', required: true, description: 'When the line was written' },
  },
  primaryKey: ['order_id', 'line_number'],
  partitionBy: 'order_date',
  clusterBy: ['customer_id'],
});
