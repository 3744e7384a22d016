import { z } from 'zod';
import { defineJob } from '../src/sdk/index.ts';
import { batchFiles } from './lib/order-batch.ts';
import { archiveName } from './lib/order-files.ts';

/**
 * Moves exactly the files this batch claimed to `archive/orders/dt=<interval start date>/<batch_id>/` and marks
 * them archived in the file ledger. Files that landed after the claim are not the batch's and stay in landing
 * for the next run; a file whose content was replaced in landing after the claim (a new generation) stays too.
 */
export default defineJob({
  description: 'Claimed order files -> archive/orders/dt=YYYY-MM-DD/<batch_id>/',
  params: z.object({}).default({}),
  async run(ctx) {
    const batchId = ctx.runId;
    const archived: string[] = [];
    for (const entry of await batchFiles(ctx)) {
      if (entry.state === 'archived') continue;
      const destination = archiveName(entry.object, batchId, ctx.interval.start);
      const current = await ctx.objects.stat(entry.object);
      if (current && current.generation !== entry.generation) {
        ctx.log.warn(
          `${entry.object} was replaced after batch ${batchId} claimed it; the new version stays in landing`,
          {
            claimed: entry.generation,
            now: current.generation,
          },
        );
        continue;
      }
      // Not in landing any more: an earlier try moved it already (the ledger write is what failed).
      if (current) await ctx.objects.move(entry.object, destination);
      else if (!(await ctx.objects.exists(destination)))
        throw new Error(
          `${entry.object} of batch ${batchId} is neither in landing nor at ${destination}; find it (sluice files list --json) or skip it with \`sluice files skip\``,
        );
      await ctx.ledger.markArchived(entry.object, entry.generation, destination);
      archived.push(destination);
    }
    ctx.log.info(`archived ${archived.length} file(s)`, { archived });
    return {
      archived: archived.length,
      to: `archive/orders/dt=${ctx.interval.start.toISOString().slice(0, 10)}/${batchId}/`,
    };
  },
});
