import { defineTable } from '../src/sdk/define-table.ts';

export default defineTable({
  name: 'data_quality_checks',
  description: 'Audit of every data-quality check execution: one row per check per execution.',
  columns: {
    check_id: {
      type: 'string',
      required: true,
      description:
        'Unique id of this execution (deterministic per run, task and check; a re-run replaces it)',
    },
    check_name: {
      type: 'string',
      required: true,
      description: 'File name of the check under quality/<target>/',
    },
    target_table: { type: 'string', required: true, description: 'Table the check looks at' },
    dag_id: { type: 'string', required: true, description: 'DAG of the run' },
    run_id: { type: 'string', required: true, description: 'Run id' },
    task_id: { type: 'string', required: true, description: 'Task that ran the check' },
    batch_id: { type: 'string', description: 'Order batch id, when the check is about a batch' },
    interval_start: {
      type: 'timestamp',
      required: true,
      description: 'Data interval start of the run (inclusive)',
    },
    interval_end: {
      type: 'timestamp',
      required: true,
      description: 'Data interval end of the run (exclusive)',
    },
    severity: { type: 'string', required: true, description: 'warn or error' },
    status: { type: 'string', required: true, description: 'pass, warn or fail' },
    rows_checked: { type: 'int64', required: true, description: 'Rows the check looked at' },
    rows_failed: { type: 'int64', required: true, description: 'Failing rows' },
    sample: { type: 'json', description: 'Up to 10 keys of failing rows' },
    details: { type: 'string', description: 'Thresholds and explanation' },
    checked_at: { type: 'timestamp', required: true, description: 'When the check ran' },
  },
  primaryKey: ['check_id'],
});
