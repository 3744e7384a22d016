import { z } from 'zod';
import { defineJob, skip } from '../src/sdk/index.ts';
import { batchCounts, batchFiles, batchOptions } from './lib/order-batch.ts';
import { currentLocation } from './lib/order-files.ts';

/**
 * Loads exactly the batch's files into staging in one warehouse load (one row per raw line), then validates
 * in the warehouse: valid orders to staging_orders (deduplicated within the batch), failing lines to
 * quarantine_orders with the first failing rule. The batch's staging rows are cleared first, so a retry or a
 * re-run replaces them instead of adding to them. Per-file line counts go to the file ledger.
 */
export default defineJob({
  description:
    'Raw lines of the claimed order files -> staging_orders_raw -> staging_orders / quarantine_orders',
  params: z.object({}).default({}),
  async run(ctx) {
    const batchId = ctx.runId;
    const files = await batchFiles(ctx);
    if (files.length === 0) return skip(`batch ${batchId} holds no order files`);
    const opts = batchOptions(ctx);
    await ctx.warehouse.execute(ctx.sql('sql/orders/reset_batch'), opts);

    const sourceNames: Record<string, string> = {};
    const fileConstants: Record<string, { landed_at: Date }> = {};
    for (const entry of files) {
      const uri = ctx.objects.uri(await currentLocation(ctx.objects, entry));
      sourceNames[uri] = entry.object;
      fileConstants[uri] = { landed_at: entry.landedAt };
    }
    const loaded = await ctx.warehouse.loadLines(
      {
        uris: Object.keys(sourceNames),
        table: 'staging_orders_raw',
        constants: { batch_id: batchId, loaded_at: new Date() },
        sourceNames,
        fileConstants,
      },
      { identity: ctx.identity, signal: ctx.signal },
    );
    ctx.log.info(`loaded ${loaded.rowsLoaded} line(s) of ${files.length} file(s)`);

    await ctx.warehouse.execute(ctx.sql('sql/orders/stage_orders'), opts);
    await ctx.warehouse.execute(ctx.sql('sql/orders/quarantine_lines'), opts);

    const { perFile, totals } = await batchCounts(
      ctx,
      files.map((f) => f.object),
    );
    await ctx.ledger.markLoaded(batchId, perFile);
    ctx.log.info('batch validated', totals);
    return totals;
  },
});
