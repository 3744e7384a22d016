import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'staging_customers',
  description:
    'The customer snapshot CSV of a daily batch, as text (loaded by loadCsv; typed when merged into dim_customers).',
  columns: {
    batch_id: { type: 'string', required: true, description: 'Run id of the batch' },
    source_file: { type: 'string', required: true, description: 'Object name of the CSV' },
    customer_id: { type: 'string', description: 'CSV column customer_id' },
    name: { type: 'string', description: 'CSV column name' },
    email: { type: 'string', description: 'CSV column email' },
    registration_date: { type: 'string', description: 'CSV column registration_date (text)' },
    customer_tier: { type: 'string', description: 'CSV column customer_tier' },
  },
  primaryKey: ['batch_id', 'customer_id'],
});
