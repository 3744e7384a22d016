/**
 * Database rows to port types. Both drivers return timestamps as Date; counts and bigints differ (string
 * from `pg`, number from PGlite), hence the Number() calls.
 */
import type { JsonValue } from '../../../core/dag/dag-definition.ts';
import type { RunState, RunType } from '../../../core/run-state.ts';
import type { TaskState } from '../../../core/task-state.ts';
import type { FileState, LedgerEntry } from '../../../ports/file-ledger.ts';
import type { LogLevel } from '../../../ports/logger.ts';
import type {
  DagRecord,
  DagRun,
  LogLine,
  TaskInstance,
  TaskTry,
  WorkerRecord,
} from '../../../ports/metadata-store.ts';

type R = Record<string, any>;

/** Serialize a JSON value for a jsonb parameter (SQL NULL for null/undefined). */
export function toJsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function toDagRecord(r: R): DagRecord {
  return {
    dagId: r.dag_id,
    file: r.file,
    description: r.description,
    schedule: r.schedule,
    paused: r.paused,
    active: r.active,
    scheduledUntil: r.scheduled_until,
    spec: r.spec as JsonValue,
    updatedAt: r.updated_at,
  };
}

export function toDagRun(r: R, prefix = ''): DagRun {
  return {
    runId: r[`${prefix}run_id`],
    dagId: r[`${prefix}dag_id`],
    runType: r[`${prefix}run_type`] as RunType,
    state: r[`${prefix}state`] as RunState,
    intervalStart: r[`${prefix}interval_start`],
    intervalEnd: r[`${prefix}interval_end`],
    backfillId: r[`${prefix}backfill_id`] ?? null,
    conf: (r[`${prefix}conf`] ?? null) as JsonValue | null,
    createdAt: r[`${prefix}created_at`],
    startedAt: r[`${prefix}started_at`] ?? null,
    endedAt: r[`${prefix}ended_at`] ?? null,
  };
}

export function toTaskInstance(r: R): TaskInstance {
  return {
    runId: r.run_id,
    dagId: r.dag_id,
    taskId: r.task_id,
    state: r.state as TaskState,
    tryNumber: num(r.try_number),
    failures: num(r.failures),
    pool: r.pool,
    priority: num(r.priority),
    intervalStart: r.interval_start,
    queuedAt: r.queued_at ?? null,
    startedAt: r.started_at ?? null,
    firstStartedAt: r.first_started_at ?? null,
    endedAt: r.ended_at ?? null,
    nextAttemptAt: r.next_attempt_at ?? null,
    workerId: r.worker_id ?? null,
    result: (r.result ?? null) as JsonValue | null,
    updatedAt: r.updated_at,
  };
}

export function toTaskTry(r: R): TaskTry {
  return {
    runId: r.run_id,
    dagId: r.dag_id,
    taskId: r.task_id,
    tryNumber: num(r.try_number),
    state: r.state as TaskState,
    workerId: r.worker_id ?? null,
    startedAt: r.started_at,
    endedAt: r.ended_at ?? null,
    durationMs: numOrNull(r.duration_ms),
    error:
      r.error_message === null || r.error_message === undefined
        ? null
        : { code: r.error_code ?? null, message: r.error_message, stack: r.error_stack ?? null },
    result: (r.result ?? null) as JsonValue | null,
  };
}

export function toLogLine(r: R): LogLine {
  return {
    at: r.at,
    level: r.level as LogLevel,
    message: r.message,
    fields: (r.fields ?? null) as Record<string, unknown> | null,
  };
}

export function toWorker(r: R, prefix = ''): WorkerRecord {
  return {
    workerId: r[`${prefix}worker_id`],
    kind: r[`${prefix}kind`],
    hostname: r[`${prefix}hostname`],
    pid: num(r[`${prefix}pid`]),
    startedAt: r[`${prefix}started_at`],
    lastHeartbeatAt: r[`${prefix}last_heartbeat_at`],
    stoppedAt: r[`${prefix}stopped_at`] ?? null,
  };
}

export function toLedgerEntry(r: R): LedgerEntry {
  return {
    object: r.object,
    generation: r.generation,
    entity: r.entity,
    size: num(r.size),
    landedAt: r.landed_at,
    state: r.state as FileState,
    batchId: r.batch_id ?? null,
    runId: r.run_id ?? null,
    movedTo: r.moved_to ?? null,
    linesRead: numOrNull(r.lines_read),
    linesKept: numOrNull(r.lines_kept),
    linesQuarantined: numOrNull(r.lines_quarantined),
    linesDuplicate: numOrNull(r.lines_duplicate),
    reason: r.reason ?? null,
    updatedAt: r.updated_at,
  };
}
