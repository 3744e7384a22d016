import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'report_dq_daily_summary',
  description:
    'Data-quality outcomes per check for runs whose data interval starts on D. Replaced per report_date.',
  columns: {
    report_date: { type: 'date', required: true, description: 'Day D of the report' },
    check_name: { type: 'string', required: true, description: 'Check name' },
    executions: { type: 'int64', required: true, description: 'Executions of the check' },
    passes: { type: 'int64', required: true, description: 'Executions with status pass' },
    warns: { type: 'int64', required: true, description: 'Executions with status warn' },
    fails: { type: 'int64', required: true, description: 'Executions with status fail' },
    rows_failed: { type: 'int64', required: true, description: 'Sum of rows_failed' },
  },
  primaryKey: ['report_date', 'check_name'],
  partitionBy: 'report_date',
});
