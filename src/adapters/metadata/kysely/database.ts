/**
 * Row types of the metadata tables, as kysely sees them. Timestamps come back as Date from both drivers;
 * bigint columns come back as string from `pg` and number from PGlite, so mappers normalize with Number().
 */
import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string | null, string | null>;
type BigIntColumn = ColumnType<string | number, number, number>;

export interface DagsTable {
  dag_id: string;
  file: string;
  description: string;
  schedule: string | null;
  paused: ColumnType<boolean, boolean | undefined, boolean>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  scheduled_until: Date | null;
  spec: Json;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DagRunsTable {
  run_id: string;
  dag_id: string;
  run_type: string;
  state: string;
  interval_start: Date;
  interval_end: Date;
  backfill_id: string | null;
  conf: Json;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
}

export interface TaskInstancesTable {
  run_id: string;
  task_id: string;
  dag_id: string;
  state: string;
  try_number: ColumnType<number, number | undefined, number>;
  failures: ColumnType<number, number | undefined, number>;
  pool: string;
  priority: number;
  interval_start: Date;
  queued_at: Date | null;
  started_at: Date | null;
  first_started_at: Date | null;
  ended_at: Date | null;
  next_attempt_at: Date | null;
  worker_id: string | null;
  result: Json;
  updated_at: Date;
}

export interface TaskTriesTable {
  run_id: string;
  task_id: string;
  try_number: number;
  dag_id: string;
  state: string;
  worker_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  duration_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  error_stack: string | null;
  result: Json;
}

export interface TaskLogsTable {
  id: Generated<string | number>;
  run_id: string;
  task_id: string;
  try_number: number;
  at: Date;
  level: string;
  message: string;
  fields: Json;
}

export interface PoolsTable {
  name: string;
  slots: number;
  description: string;
}

export interface WorkersTable {
  worker_id: string;
  kind: string;
  hostname: string;
  pid: number;
  started_at: Date;
  last_heartbeat_at: Date;
  stopped_at: Date | null;
}

export interface FileLedgerTable {
  object: string;
  generation: string;
  entity: string;
  size: BigIntColumn;
  landed_at: Date;
  state: string;
  batch_id: string | null;
  run_id: string | null;
  moved_to: string | null;
  lines_read: ColumnType<string | number | null, number | null, number | null>;
  lines_kept: ColumnType<string | number | null, number | null, number | null>;
  lines_quarantined: ColumnType<string | number | null, number | null, number | null>;
  lines_duplicate: ColumnType<string | number | null, number | null, number | null>;
  reason: string | null;
  updated_at: Date;
}

export interface MetadataDatabase {
  dags: DagsTable;
  dag_runs: DagRunsTable;
  task_instances: TaskInstancesTable;
  task_tries: TaskTriesTable;
  task_logs: TaskLogsTable;
  pools: PoolsTable;
  workers: WorkersTable;
  file_ledger: FileLedgerTable;
}
