/**
 * Backfill records: one row per backfill (`bf-<n>`), one per interval it covers. At most one running
 * backfill per DAG (a partial unique index), so two requests for the same DAG cannot both start.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence backfills_seq`.execute(db);
  await db.schema
    .createTable('backfills')
    .addColumn('backfill_id', 'text', (c) => c.primaryKey().defaultTo(sql`'bf-' || nextval('backfills_seq')`))
    .addColumn('dag_id', 'text', (c) => c.notNull())
    .addColumn('from_at', 'timestamptz', (c) => c.notNull())
    .addColumn('to_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reprocess', 'text', (c) => c.notNull().check(sql`reprocess in ('missing','failed','all')`))
    .addColumn('max_active_runs', 'integer', (c) => c.notNull().check(sql`max_active_runs >= 1`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('running','completed','cancelled')`))
    .addColumn('total_intervals', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .execute();
  await sql`create unique index backfills_one_running_per_dag on backfills (dag_id) where state = 'running'`.execute(
    db,
  );
  await db.schema.createIndex('backfills_open_idx').on('backfills').column('completed_at').execute();

  await db.schema
    .createTable('backfill_intervals')
    .addColumn('backfill_id', 'text', (c) =>
      c.notNull().references('backfills.backfill_id').onDelete('cascade'),
    )
    .addColumn('interval_start', 'timestamptz', (c) => c.notNull())
    .addColumn('interval_end', 'timestamptz', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('pending','claimed','started','skipped','cancelled')`),
    )
    .addColumn('action', 'text', (c) => c.check(sql`action in ('create','clear')`))
    .addColumn('prior_state', 'text')
    .addColumn('reason', 'text')
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('backfill_intervals_pkey', ['backfill_id', 'interval_start'])
    .execute();
  await db.schema
    .createIndex('backfill_intervals_state_idx')
    .on('backfill_intervals')
    .columns(['backfill_id', 'state', 'interval_start'])
    .execute();
  await db.schema
    .createIndex('backfill_intervals_run_idx')
    .on('backfill_intervals')
    .column('run_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('backfill_intervals').ifExists().execute();
  await db.schema.dropTable('backfills').ifExists().execute();
  await sql`drop sequence if exists backfills_seq`.execute(db);
}
