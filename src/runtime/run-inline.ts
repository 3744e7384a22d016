/**
 * `sluice run`: one DAG run executed in this process to completion, on the same scheduler and task runner
 * as the server, restricted to that run. An interrupted run (queued or running) is resumed.
 */
import { manualInterval } from '../core/data-interval.ts';
import { ConflictError } from '../core/errors/conflict-error.ts';
import { runIdFor } from '../core/ids.ts';
import type { TaskSettled } from '../ports/executor.ts';
import type { DagRun, TaskInstance } from '../ports/metadata-store.ts';
import { createLocalEngine, type LocalEngineOptions } from './local-engine.ts';
import { requireDag, triggerRun } from './trigger-run.ts';

export interface RunInlineInput {
  readonly dagId: string;
  readonly intervalStart?: Date;
  /** Called as each try settles, with the task instance as stored. */
  readonly onTaskSettled?: (instance: TaskInstance) => void;
}

export interface RunInlineResult {
  readonly run: DagRun;
  readonly tasks: TaskInstance[];
}

/**
 * Run a DAG once, inline; resolves when the run is success or failed.
 *
 * @example const { run } = await runInline(engineOptions, { dagId: 'orders' }); process.exitCode = run.state === 'success' ? 0 : 1
 */
export async function runInline(
  options: Omit<LocalEngineOptions, 'scheduler' | 'events'>,
  input: RunInlineInput,
): Promise<RunInlineResult> {
  const { store, clock } = options;
  const spec = requireDag(options.dags, input.dagId);
  const now = clock.now();
  const interval = manualInterval(spec.schedule, now, input.intervalStart);
  const runId = runIdFor(spec.id, interval.start);
  let run = await store.getRun(runId);
  if (run && (run.state === 'success' || run.state === 'failed'))
    throw new ConflictError(
      `DAG ${spec.id} already has run ${runId} (state ${run.state}); pick another --interval-start, ` +
        'or reprocess it with `sluice backfill --reprocess`',
    );
  run ??= await triggerRun(store, options.dags, {
    dagId: spec.id,
    now,
    ...(input.intervalStart ? { intervalStart: input.intervalStart } : {}),
  });
  await store.syncDags([spec]);
  await store.transitionRun(runId, ['queued'], 'running', clock.now());

  let finish!: (run: DagRun) => void;
  const finished = new Promise<DagRun>((resolve) => {
    finish = resolve;
  });
  const engine = createLocalEngine({
    ...options,
    scheduler: { createScheduledRuns: false, admitQueuedRuns: false, runFilter: (id) => id === runId },
    events: { runFinished: (r) => r.runId === runId && finish(r) },
  });
  const unsubscribe = input.onTaskSettled
    ? engine.executor.onSettled((event: TaskSettled) => {
        void store.getTaskInstance(event.runId, event.taskId).then((ti) => ti && input.onTaskSettled!(ti));
      })
    : undefined;
  await engine.start();
  try {
    // The run may already be complete (resumed after everything finished).
    const current = await store.getRun(runId);
    const done =
      current && (current.state === 'success' || current.state === 'failed') ? current : await finished;
    return { run: (await store.getRun(runId)) ?? done, tasks: await store.listTaskInstances(runId) };
  } finally {
    unsubscribe?.();
    await engine.stop();
  }
}
