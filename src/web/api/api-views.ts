/**
 * The JSON shapes of the API (documented in /api/openapi.json through these schemas) and the functions that
 * turn port records into them: instants as ISO strings, durations in milliseconds. Where the CLI's API client
 * (`src/web/api-client.ts`) reads a route, the shape is a superset of its `Operations` views, so the CLI and
 * the dashboard share one API.
 */
import { z } from 'zod';
import type { DagRun, LogLine, TaskInstance, TaskTry } from '../../ports/metadata-store.ts';
import type { DagSummary } from './list-dag-summaries.ts';

const iso = z.string().describe('ISO 8601 instant (UTC)');
const json = z.unknown().describe('JSON value');

export const runViewSchema = z.object({
  runId: z.string(),
  dagId: z.string(),
  runType: z.string(),
  state: z.string(),
  intervalStart: iso,
  intervalEnd: iso,
  backfillId: z.string().nullable(),
  conf: json.nullable(),
  createdAt: iso,
  startedAt: iso.nullable(),
  endedAt: iso.nullable(),
  durationMs: z.number().nullable(),
});

export const taskInstanceViewSchema = z.object({
  runId: z.string(),
  dagId: z.string(),
  taskId: z.string(),
  state: z.string(),
  tryNumber: z.number(),
  failures: z.number(),
  pool: z.string(),
  queuedAt: iso.nullable(),
  startedAt: iso.nullable(),
  endedAt: iso.nullable(),
  nextAttemptAt: iso.nullable(),
  durationMs: z.number().nullable(),
  workerId: z.string().nullable(),
  result: json.nullable(),
  error: z.string().nullable().describe('error message of the current try, if it failed'),
});

export const tryViewSchema = z.object({
  tryNumber: z.number(),
  state: z.string(),
  workerId: z.string().nullable(),
  startedAt: iso,
  endedAt: iso.nullable(),
  durationMs: z.number().nullable(),
  error: z
    .object({ code: z.string().nullable(), message: z.string(), stack: z.string().nullable() })
    .nullable(),
  result: json.nullable(),
});

export const logLineViewSchema = z.object({
  at: iso,
  level: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
});

export const dagViewSchema = z.object({
  dagId: z.string(),
  file: z.string(),
  description: z.string(),
  schedule: z.string().nullable(),
  paused: z.boolean(),
  catchup: z.boolean(),
  maxActiveRuns: z.number(),
  tasks: z.array(z.string()).describe('task ids in topological order'),
  lastRun: runViewSchema.nullable(),
  nextRunAt: iso
    .nullable()
    .describe('when the next scheduled interval becomes due; null when paused or manual'),
  active: z.boolean().describe('false when the DAG file is gone'),
  tags: z.array(z.string()),
  taskDetails: z.array(
    z.object({
      taskId: z.string(),
      job: z.string(),
      upstream: z.array(z.string()),
      pool: z.string(),
      retries: z.number(),
      triggerRule: z.string(),
    }),
  ),
  activeRuns: z.number(),
  recentRuns: z.array(runViewSchema).describe('newest first'),
});

/** Rows of a warehouse table as the engine returns them (decimals as strings). */
export const rowsSchema = z.array(z.record(z.string(), z.unknown()));

const at = (d: Date | null) => (d ? d.toISOString() : null);
const span = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : null);

/** A run as JSON. */
export function runView(run: DagRun): z.infer<typeof runViewSchema> {
  return {
    runId: run.runId,
    dagId: run.dagId,
    runType: run.runType,
    state: run.state,
    intervalStart: run.intervalStart.toISOString(),
    intervalEnd: run.intervalEnd.toISOString(),
    backfillId: run.backfillId,
    conf: run.conf,
    createdAt: run.createdAt.toISOString(),
    startedAt: at(run.startedAt),
    endedAt: at(run.endedAt),
    durationMs: span(run.startedAt, run.endedAt),
  };
}

/** A task instance as JSON, with the error of its current try when `tries` are given. */
export function taskInstanceView(
  ti: TaskInstance,
  tries: readonly TaskTry[] = [],
): z.infer<typeof taskInstanceViewSchema> {
  const current = tries.find((t) => t.taskId === ti.taskId && t.tryNumber === ti.tryNumber);
  return {
    runId: ti.runId,
    dagId: ti.dagId,
    taskId: ti.taskId,
    state: ti.state,
    tryNumber: ti.tryNumber,
    failures: ti.failures,
    pool: ti.pool,
    queuedAt: at(ti.queuedAt),
    startedAt: at(ti.startedAt),
    endedAt: at(ti.endedAt),
    nextAttemptAt: at(ti.nextAttemptAt),
    durationMs: current?.durationMs ?? span(ti.startedAt, ti.endedAt),
    workerId: ti.workerId,
    result: ti.result,
    error: current?.error?.message ?? null,
  };
}

/** A try as JSON. */
export function tryView(t: TaskTry): z.infer<typeof tryViewSchema> {
  return {
    tryNumber: t.tryNumber,
    state: t.state,
    workerId: t.workerId,
    startedAt: t.startedAt.toISOString(),
    endedAt: at(t.endedAt),
    durationMs: t.durationMs,
    error: t.error,
    result: t.result,
  };
}

/** A log line as JSON. */
export function logLineView(l: LogLine): z.infer<typeof logLineViewSchema> {
  return { at: l.at.toISOString(), level: l.level, message: l.message, fields: l.fields ?? null };
}

/** A DAG summary as JSON. */
export function dagView(s: DagSummary): z.infer<typeof dagViewSchema> {
  return {
    dagId: s.dag.dagId,
    file: s.dag.file,
    description: s.dag.description,
    schedule: s.dag.schedule,
    paused: s.dag.paused,
    catchup: s.spec.catchup,
    maxActiveRuns: s.spec.maxActiveRuns,
    tasks: s.spec.tasks.map((t) => t.id),
    lastRun: s.recentRuns[0] ? runView(s.recentRuns[0]) : null,
    nextRunAt: at(s.nextRunAt),
    active: s.dag.active,
    tags: [...s.spec.tags],
    taskDetails: s.spec.tasks.map((t) => ({
      taskId: t.id,
      job: t.job,
      upstream: t.upstream,
      pool: t.pool,
      retries: t.retries,
      triggerRule: t.triggerRule,
    })),
    activeRuns: s.activeRuns,
    recentRuns: s.recentRuns.map(runView),
  };
}
