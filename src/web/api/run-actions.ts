/**
 * Default run actions, through the metadata store port only: a manual trigger creates a queued run (the
 * scheduler admits and runs it), a clear resets task instances, a pause flips the DAG's flag. The engine may
 * supply its own versions through `DashboardDeps.actions`.
 */
import { manualInterval } from '../../core/data-interval.ts';
import { ConflictError } from '../../core/errors/conflict-error.ts';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { runIdFor } from '../../core/ids.ts';
import type { Clock } from '../../ports/clock.ts';
import type { MetadataStore } from '../../ports/metadata-store.ts';
import type { RunActions } from '../dashboard/dashboard-deps.ts';
import { storedDagSpec } from './stored-dag-spec.ts';

/**
 * Run actions on the store, calling `notify` after each change so an in-process scheduler wakes at once.
 *
 * @example const actions = defaultRunActions(store, { now: () => new Date() }, () => scheduler.notify())
 */
export function defaultRunActions(
  store: MetadataStore,
  clock: Pick<Clock, 'now'>,
  notify: () => void = () => {},
): RunActions {
  return {
    async trigger(dagId, options) {
      const dag = await store.getDag(dagId);
      if (!dag) throw new NotFoundError(`no DAG "${dagId}"; GET /api/dags lists them`);
      if (!dag.active)
        throw new ConflictError(
          `DAG "${dagId}" is no longer loaded (its file is gone); it cannot be triggered`,
        );
      const spec = storedDagSpec(dag);
      if (spec.tasks.length === 0) throw new ConflictError(`DAG "${dagId}" has no tasks to run`);
      const interval = manualInterval(dag.schedule, clock.now(), options.intervalStart);
      const run = await store.createRun(
        {
          dagId,
          runType: 'manual',
          intervalStart: interval.start,
          intervalEnd: interval.end,
          conf: options.conf ?? null,
          tasks: spec.tasks.map((t) => ({ taskId: t.id, pool: t.pool, priority: t.order })),
        },
        clock.now(),
      );
      if (!run)
        throw new ConflictError(
          `a run for ${dagId} at ${interval.start.toISOString()} exists already (${runIdFor(dagId, interval.start)}); ` +
            'clear its tasks to run it again, or pass another intervalStart',
        );
      notify();
      return run;
    },
    async clearTasks(runId, taskIds) {
      const run = await store.getRun(runId);
      if (!run) throw new NotFoundError(`no run "${runId}"; GET /api/runs lists them`);
      const cleared = await store.clearTasks(runId, { taskIds }, clock.now());
      if (cleared.length > 0) notify();
      return cleared;
    },
    async setPaused(dagId, paused) {
      if (!(await store.setPaused(dagId, paused)))
        throw new NotFoundError(`no DAG "${dagId}"; GET /api/dags lists them`);
      notify();
    },
  };
}
