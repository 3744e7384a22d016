import { z } from 'zod';
import { defineJob, NonRetryableError } from '../src/sdk/index.ts';
import { batchCounts, batchFiles } from './lib/order-batch.ts';
import { type CheckResult, ORDER_CHECKS, runOrderCheck } from './lib/order-checks.ts';

/**
 * The write-audit-publish gate: runs every check of quality/orders/ on the staged batch and records one
 * data_quality_checks row each. A failing `error` check fails the task without retry, so nothing of the batch
 * is published, its files stay claimed (the next run takes them over) and the run fails naming the check.
 */
export default defineJob({
  description: 'Data-quality checks of the staged batch; an error blocks publication',
  params: z.object({}).default({}),
  async run(ctx) {
    const files = await batchFiles(ctx);
    const { totals } = await batchCounts(
      ctx,
      files.map((f) => f.object),
    );
    const results: CheckResult[] = [];
    for (const name of ORDER_CHECKS) results.push(await runOrderCheck(ctx, name, totals));
    const failed = results.filter((r) => r.status === 'fail');
    if (failed.length > 0)
      throw new NonRetryableError(
        `batch ${ctx.runId} blocked by check ${failed.map((r) => `${r.check} (${r.details})`).join(', ')}: nothing was published and its files stay claimed; see data_quality_checks and quarantine_orders where batch_id = '${ctx.runId}', then fix or \`sluice files skip\` the bad file and let the next run take the batch over`,
      );
    return Object.fromEntries(results.map((r) => [r.check, r.status]));
  },
});
