/**
 * Initial metadata schema: DAGs, runs, task instances, tries, per-try logs, pools, workers, file ledger.
 * Add later changes as new files `NNNN-name.ts` beside this one; never edit an applied migration.
 */
import { type Kysely, sql } from 'kysely';

const TASK_STATES = `'none','scheduled','queued','running','success','failed','up_for_retry','up_for_reschedule','skipped','upstream_failed'`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dags')
    .addColumn('dag_id', 'text', (c) => c.primaryKey())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('schedule', 'text')
    .addColumn('paused', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('scheduled_until', 'timestamptz')
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('dag_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('dag_id', 'text', (c) => c.notNull())
    .addColumn('run_type', 'text', (c) =>
      c.notNull().check(sql`run_type in ('scheduled','manual','backfill')`),
    )
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('queued','running','success','failed')`),
    )
    .addColumn('interval_start', 'timestamptz', (c) => c.notNull())
    .addColumn('interval_end', 'timestamptz', (c) => c.notNull())
    .addColumn('backfill_id', 'text')
    .addColumn('conf', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addUniqueConstraint('dag_runs_dag_interval_key', ['dag_id', 'interval_start'])
    .execute();
  await db.schema.createIndex('dag_runs_state_idx').on('dag_runs').columns(['state', 'dag_id']).execute();
  await db.schema.createIndex('dag_runs_backfill_idx').on('dag_runs').column('backfill_id').execute();

  await db.schema
    .createTable('task_instances')
    .addColumn('run_id', 'text', (c) => c.notNull().references('dag_runs.run_id').onDelete('cascade'))
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('dag_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql.raw(`state in (${TASK_STATES})`)))
    .addColumn('try_number', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pool', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('interval_start', 'timestamptz', (c) => c.notNull())
    .addColumn('queued_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('first_started_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('worker_id', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_instances_pkey', ['run_id', 'task_id'])
    .execute();
  await db.schema
    .createIndex('task_instances_state_idx')
    .on('task_instances')
    .columns(['state', 'pool'])
    .execute();

  await db.schema
    .createTable('task_tries')
    .addColumn('run_id', 'text', (c) => c.notNull().references('dag_runs.run_id').onDelete('cascade'))
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('try_number', 'integer', (c) => c.notNull())
    .addColumn('dag_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql.raw(`state in (${TASK_STATES})`)))
    .addColumn('worker_id', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('duration_ms', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('error_stack', 'text')
    .addColumn('result', 'jsonb')
    .addPrimaryKeyConstraint('task_tries_pkey', ['run_id', 'task_id', 'try_number'])
    .execute();

  await db.schema
    .createTable('task_logs')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('dag_runs.run_id').onDelete('cascade'))
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('try_number', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('fields', 'jsonb')
    .execute();
  await db.schema
    .createIndex('task_logs_try_idx')
    .on('task_logs')
    .columns(['run_id', 'task_id', 'try_number', 'id'])
    .execute();

  await db.schema
    .createTable('pools')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('slots', 'integer', (c) => c.notNull().check(sql`slots >= 0`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  await db.schema
    .createTable('workers')
    .addColumn('worker_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_heartbeat_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stopped_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('file_ledger')
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('generation', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('landed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('landed','claimed','loaded','archived','rejected','ignored')`),
    )
    .addColumn('batch_id', 'text')
    .addColumn('run_id', 'text')
    .addColumn('moved_to', 'text')
    .addColumn('lines_read', 'bigint')
    .addColumn('lines_kept', 'bigint')
    .addColumn('lines_quarantined', 'bigint')
    .addColumn('lines_duplicate', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_ledger_pkey', ['object', 'generation'])
    .execute();
  await db.schema
    .createIndex('file_ledger_entity_state_idx')
    .on('file_ledger')
    .columns(['entity', 'state'])
    .execute();
  await db.schema.createIndex('file_ledger_batch_idx').on('file_ledger').column('batch_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'file_ledger',
    'workers',
    'pools',
    'task_logs',
    'task_tries',
    'task_instances',
    'dag_runs',
    'dags',
  ])
    await db.schema.dropTable(table).ifExists().execute();
}
