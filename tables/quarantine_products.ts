import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'quarantine_products',
  description:
    'Rows of a product snapshot CSV that failed validation, as loaded (text), with the first failing rule. ' +
    'None of them reaches dim_products. A key repeated in a snapshot quarantines every copy (a CSV load keeps ' +
    'no row order on BigQuery, so no copy can be called the last one).',
  columns: {
    batch_id: { type: 'string', required: true, description: 'Run id of the daily batch' },
    source_file: { type: 'string', required: true, description: 'Object name of the CSV' },
    product_id: { type: 'string', description: 'CSV column product_id, as loaded' },
    product_name: { type: 'string', description: 'CSV column product_name, as loaded' },
    category: { type: 'string', description: 'CSV column category, as loaded' },
    price: { type: 'string', description: 'CSV column price, as loaded' },
    stock_level: { type: 'string', description: 'CSV column stock_level, as loaded' },
    reason_code: {
      type: 'string',
      required: true,
      description: 'missing_required_field, invalid_field_type, invalid_field_value or duplicate_key',
    },
    reason_detail: { type: 'string', description: 'The column that failed, e.g. price' },
    quarantined_at: { type: 'timestamp', description: 'When the row was quarantined' },
  },
  // Documentation only: several copies of one product_id share it when they are quarantined as duplicate_key.
  primaryKey: ['batch_id', 'source_file', 'product_id'],
});
