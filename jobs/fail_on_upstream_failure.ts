import { defineJob, NonRetryableError } from '../src/sdk/index.ts';

/**
 * The "watcher" of a DAG (trigger rule `one_failed`, downstream of every task): it runs only when a task of the
 * run failed, and fails, so that the run ends `failed` even when the failed task is not a leaf (a check that an
 * `all_done` summary follows). When nothing failed it is skipped and the run succeeds.
 */
export default defineJob({
  description: 'Fails the run when any of its tasks failed (Airflow watcher pattern); skipped otherwise',
  run(ctx) {
    throw new NonRetryableError(
      `a task of run ${ctx.runId} failed; this task only marks the run failed (see \`sluice runs list --dag ${ctx.dagId}\` and the failed task's logs)`,
    );
  },
});
