import { z } from 'zod';
import { defineJob } from '../src/sdk/index.ts';
import { batchOptions } from './lib/order-batch.ts';

/**
 * Publishes the checked batch: every line of its orders in fact_orders is replaced by the batch's lines
 * (enriched from the dimensions), in one atomic script, so a re-sent order replaces all of its lines and a
 * retry writes the same rows again.
 */
export default defineJob({
  description: 'staging_orders of the batch -> fact_orders (replace the lines of every order it holds)',
  params: z.object({}).default({}),
  async run(ctx) {
    const result = await ctx.warehouse.execute(ctx.sql('sql/orders/publish_fact'), batchOptions(ctx));
    const { rows } = await ctx.warehouse.query<{ orders: number | string; lines: number | string }>(
      ctx.sql('sql/orders/published_counts'),
      batchOptions(ctx),
    );
    const published = { orders: Number(rows[0]?.orders ?? 0), lines: Number(rows[0]?.lines ?? 0) };
    ctx.log.info('published', { ...published, rowsAffected: result.rowsAffected ?? null });
    return published;
  },
});
