/**
 * What operators do to the engine (list, trigger, pause, inspect runs, read logs), as JSON-ready views.
 * The HTTP API serves exactly these; the CLI calls them directly when no server runs, or through the API
 * client (same interface) when one does, so both paths print the same thing.
 */

import type { JsonValue } from '../core/dag/dag-definition.ts';
import { nextDueAt } from '../core/data-interval.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { UsageError } from '../core/errors/usage-error.ts';
import type { RunState } from '../core/run-state.ts';
import type { Clock } from '../ports/clock.ts';
import type { DagRun, LogLine, MetadataStore, TaskInstance, TaskTry } from '../ports/metadata-store.ts';
import type { LoadedDags } from './dag-loader.ts';
import { requireDag, triggerRun } from './trigger-run.ts';

export interface RunView {
  readonly runId: string;
  readonly dagId: string;
  readonly runType: string;
  readonly state: RunState;
  readonly intervalStart: string;
  readonly intervalEnd: string;
  readonly backfillId: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
}

export interface DagView {
  readonly dagId: string;
  readonly file: string;
  readonly description: string;
  readonly schedule: string | null;
  readonly paused: boolean;
  readonly catchup: boolean;
  readonly maxActiveRuns: number;
  readonly tasks: readonly string[];
  readonly lastRun: RunView | null;
  /** When the scheduler creates the next run (null: unscheduled, paused or ended). */
  readonly nextRunAt: string | null;
}

export interface DagList {
  readonly dags: readonly DagView[];
  /** One line per DAG file that did not load, naming the file. */
  readonly errors: readonly string[];
}

export interface TaskView {
  readonly taskId: string;
  readonly state: string;
  readonly tryNumber: number;
  readonly pool: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly nextAttemptAt: string | null;
  readonly workerId: string | null;
  readonly result: JsonValue | null;
  readonly error: string | null;
}

export interface RunDetail {
  readonly run: RunView;
  readonly tasks: readonly TaskView[];
}

export interface TaskLogs {
  readonly runId: string;
  readonly taskId: string;
  readonly tryNumber: number | null;
  readonly lines: readonly {
    at: string;
    level: string;
    message: string;
    fields: Record<string, unknown> | null;
  }[];
}

export interface RunListFilter {
  readonly dagId?: string;
  readonly state?: RunState;
  readonly limit?: number;
}

/** The operations the CLI needs; implemented locally (`createOperations`) and over HTTP (`ApiClient`). */
export interface Operations {
  listDags(): Promise<DagList>;
  triggerDag(dagId: string, options?: { intervalStart?: string }): Promise<RunView>;
  setPaused(dagId: string, paused: boolean): Promise<DagView>;
  listRuns(filter?: RunListFilter): Promise<RunView[]>;
  getRun(runId: string): Promise<RunDetail>;
  taskLogs(runId: string, taskId: string, tryNumber?: number): Promise<TaskLogs>;
}

/**
 * Operations on a store and the loaded DAGs; `onChange` wakes a co-located scheduler.
 *
 * @example const ops = createOperations({ store, dags, clock, onChange: () => scheduler.notify() })
 */
export function createOperations(deps: {
  readonly store: MetadataStore;
  readonly dags: LoadedDags;
  readonly clock: Clock;
  readonly onChange?: () => void;
}): Operations {
  const { store, dags, clock } = deps;

  async function dagView(dagId: string): Promise<DagView> {
    const spec = requireDag(dags, dagId);
    const record = await store.getDag(dagId);
    const [last] = await store.listRuns({ dagId, limit: 1 });
    const paused = record?.paused ?? false;
    const next =
      spec.schedule && !paused
        ? nextDueAt({
            schedule: spec.schedule,
            startDate: spec.startDate,
            endDate: spec.endDate,
            lastIntervalEnd: record?.scheduledUntil ?? null,
            now: clock.now(),
          })
        : null;
    return {
      dagId,
      file: spec.file,
      description: spec.description,
      schedule: spec.schedule,
      paused,
      catchup: spec.catchup,
      maxActiveRuns: spec.maxActiveRuns,
      tasks: spec.tasks.map((t) => t.id),
      lastRun: last ? runView(last) : null,
      nextRunAt: next ? next.toISOString() : null,
    };
  }

  return {
    async listDags() {
      await store.syncDags(dags.list());
      const views: DagView[] = [];
      for (const spec of dags.list()) views.push(await dagView(spec.id));
      return { dags: views, errors: dags.errors };
    },

    async triggerDag(dagId, options = {}) {
      const intervalStart = options.intervalStart ? parseInstant(options.intervalStart) : undefined;
      await store.syncDags([requireDag(dags, dagId)]);
      const run = await triggerRun(store, dags, {
        dagId,
        now: clock.now(),
        ...(intervalStart ? { intervalStart } : {}),
      });
      deps.onChange?.();
      return runView(run);
    },

    async setPaused(dagId, paused) {
      await store.syncDags([requireDag(dags, dagId)]);
      await store.setPaused(dagId, paused);
      deps.onChange?.();
      return dagView(dagId);
    },

    async listRuns(filter = {}) {
      if (filter.dagId) requireDag(dags, filter.dagId);
      const runs = await store.listRuns({
        ...(filter.dagId ? { dagId: filter.dagId } : {}),
        ...(filter.state ? { states: [filter.state] } : {}),
        limit: filter.limit ?? 50,
      });
      return runs.map(runView);
    },

    async getRun(runId) {
      const run = await store.getRun(runId);
      if (!run) throw new NotFoundError(`unknown run "${runId}"; list runs with \`sluice runs list\``);
      const [tasks, tries] = await Promise.all([store.listTaskInstances(runId), store.listTries(runId)]);
      return { run: runView(run), tasks: tasks.map((ti) => taskView(ti, tries)) };
    },

    async taskLogs(runId, taskId, tryNumber) {
      const ti = await store.getTaskInstance(runId, taskId);
      if (!ti)
        throw new NotFoundError(
          `no task "${taskId}" in run "${runId}"; see the run's tasks with \`sluice runs list --dag <dag>\``,
        );
      if (tryNumber !== undefined && (tryNumber < 1 || tryNumber > ti.tryNumber))
        throw new NotFoundError(
          `task ${taskId} of run ${runId} has tries 1..${ti.tryNumber}, not ${tryNumber}`,
        );
      const lines = await store.readLogs(runId, taskId, tryNumber);
      return {
        runId,
        taskId,
        tryNumber: tryNumber ?? (ti.tryNumber || null),
        lines: lines.map(logView),
      };
    },
  };
}

/** A run as JSON. */
export function runView(run: DagRun): RunView {
  return {
    runId: run.runId,
    dagId: run.dagId,
    runType: run.runType,
    state: run.state,
    intervalStart: run.intervalStart.toISOString(),
    intervalEnd: run.intervalEnd.toISOString(),
    backfillId: run.backfillId,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    endedAt: run.endedAt?.toISOString() ?? null,
  };
}

/** A task instance as JSON, with the error of its latest try. */
export function taskView(ti: TaskInstance, tries: readonly TaskTry[] = []): TaskView {
  const latest = tries.find((t) => t.taskId === ti.taskId && t.tryNumber === ti.tryNumber);
  return {
    taskId: ti.taskId,
    state: ti.state,
    tryNumber: ti.tryNumber,
    pool: ti.pool,
    startedAt: ti.startedAt?.toISOString() ?? null,
    endedAt: ti.endedAt?.toISOString() ?? null,
    durationMs:
      latest?.durationMs ??
      (ti.startedAt && ti.endedAt ? ti.endedAt.getTime() - ti.startedAt.getTime() : null),
    nextAttemptAt: ti.nextAttemptAt?.toISOString() ?? null,
    workerId: ti.workerId,
    result: ti.result,
    error: latest?.error?.message ?? null,
  };
}

function logView(line: LogLine) {
  return { at: line.at.toISOString(), level: line.level, message: line.message, fields: line.fields ?? null };
}

/**
 * Parse an ISO 8601 instant given by a user; a date without a zone is UTC.
 *
 * @example parseInstant('2026-01-01T10:15') // 2026-01-01T10:15:00.000Z
 */
export function parseInstant(text: string): Date {
  const trimmed = text.trim();
  const withZone =
    /([zZ]|[+-]\d\d:?\d\d)$/.test(trimmed) || /^\d{4}-\d\d-\d\d$/.test(trimmed) ? trimmed : `${trimmed}Z`;
  const d = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?([zZ]|[+-]\d\d:?\d\d)?)?$/.test(trimmed)
    ? new Date(withZone)
    : new Date(Number.NaN);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`invalid date "${text}": use ISO 8601, e.g. 2026-01-01T10:15:00Z`);
  return d;
}
