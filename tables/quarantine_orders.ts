import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'quarantine_orders',
  description:
    'Raw order lines that failed validation, with the first failing rule. Nothing here reaches the facts.',
  columns: {
    batch_id: { type: 'string', required: true, description: 'Run id of the batch' },
    source_file: { type: 'string', required: true, description: 'Object name in the bucket' },
    line_number: { type: 'int64', required: true, description: 'Line number in source_file' },
    raw_line: { type: 'string', required: true, description: 'The line as loaded' },
    order_id: { type: 'string', description: 'order_id when it could be read, for tracing' },
    reason_code: {
      type: 'string',
      required: true,
      description:
        'invalid_json, missing_required_field, invalid_field_type, invalid_field_value or empty_items',
    },
    reason_detail: { type: 'string', description: 'The field path that failed, e.g. items[2].quantity' },
    quarantined_at: { type: 'timestamp', description: 'When the line was quarantined' },
  },
  primaryKey: ['batch_id', 'source_file', 'line_number'],
});
