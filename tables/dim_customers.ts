import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'dim_customers',
  description: 'Customers, type 2 (a new row per change; exactly one current row per customer).',
  columns: {
    customer_id: { type: 'string', required: true, description: 'Upstream customer id' },
    name: { type: 'string', description: 'Customer name' },
    email: { type: 'string', description: 'Customer email' },
    registration_date: { type: 'date', description: 'Date the customer registered' },
    customer_tier: { type: 'string', description: 'bronze, silver, gold, ...' },
    valid_from: { type: 'timestamp', required: true, description: 'Start of validity (inclusive)' },
    valid_to: { type: 'timestamp', description: 'End of validity (exclusive); NULL for the current row' },
    is_current: { type: 'bool', required: true, description: 'True for the current row of the customer' },
  },
  primaryKey: ['customer_id', 'valid_from'],
});
