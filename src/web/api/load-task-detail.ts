/**
 * One task instance with everything a person debugging it needs: the run, the tries (state, times, worker,
 * error with stack, result) and the log lines of one try (the latest unless asked).
 */
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import type { DagRun, LogLine, MetadataStore, TaskInstance, TaskTry } from '../../ports/metadata-store.ts';

export interface TaskDetail {
  readonly run: DagRun;
  readonly instance: TaskInstance;
  /** Oldest first. */
  readonly tries: readonly TaskTry[];
  /** The try whose logs are shown (null before the first try). */
  readonly selectedTry: number | null;
  readonly logs: readonly LogLine[];
}

/** At most this many log lines are returned per try (the newest are kept). */
export const MAX_LOG_LINES = 5000;

/**
 * Load a task instance, its tries and one try's logs.
 *
 * @example const detail = await loadTaskDetail(store, 'orders__20260101T1015Z', 'load_staging')
 */
export async function loadTaskDetail(
  store: MetadataStore,
  runId: string,
  taskId: string,
  tryNumber?: number,
): Promise<TaskDetail> {
  const run = await store.getRun(runId);
  if (!run) throw new NotFoundError(`no run "${runId}"; GET /api/runs lists them`);
  const instance = await store.getTaskInstance(runId, taskId);
  if (!instance) throw new NotFoundError(`run "${runId}" has no task "${taskId}"`);
  const tries = await store.listTries(runId, taskId);
  if (tryNumber !== undefined && !tries.some((t) => t.tryNumber === tryNumber))
    throw new NotFoundError(
      `task "${taskId}" of run "${runId}" has no try ${tryNumber} (tries: ${tries.map((t) => t.tryNumber).join(', ') || 'none yet'})`,
    );
  const selectedTry = tryNumber ?? tries.at(-1)?.tryNumber ?? null;
  const logs = selectedTry === null ? [] : await store.readLogs(runId, taskId, selectedTry);
  return { run, instance, tries, selectedTry, logs: logs.slice(-MAX_LOG_LINES) };
}
