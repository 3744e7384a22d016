import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'quarantine_customers',
  description:
    'Rows of a customer snapshot CSV that failed validation, as loaded (text), with the first failing rule. ' +
    'None of them reaches dim_customers. A key repeated in a snapshot quarantines every copy (a CSV load ' +
    'keeps no row order on BigQuery, so no copy can be called the last one).',
  columns: {
    batch_id: { type: 'string', required: true, description: 'Run id of the daily batch' },
    source_file: { type: 'string', required: true, description: 'Object name of the CSV' },
    customer_id: { type: 'string', description: 'CSV column customer_id, as loaded' },
    name: { type: 'string', description: 'CSV column name, as loaded' },
    email: { type: 'string', description: 'CSV column email, as loaded' },
    registration_date: { type: 'string', description: 'CSV column registration_date, as loaded' },
    customer_tier: { type: 'string', description: 'CSV column customer_tier, as loaded' },
    reason_code: {
      type: 'string',
      required: true,
      description: 'missing_required_field, invalid_field_type or duplicate_key',
    },
    reason_detail: { type: 'string', description: 'The column that failed, e.g. registration_date' },
    quarantined_at: { type: 'timestamp', description: 'When the row was quarantined' },
  },
  // Documentation only: several copies of one customer_id share it when they are quarantined as duplicate_key.
  primaryKey: ['batch_id', 'source_file', 'customer_id'],
});
