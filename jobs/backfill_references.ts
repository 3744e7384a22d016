import { defineJob } from '../src/sdk/index.ts';

export default defineJob({
  description:
    "Enrich fact lines published with an 'unknown' customer tier or category whose reference now exists; recompute agg_category_revenue of the affected days",
  async run(ctx) {
    const result = await ctx.warehouse.execute(ctx.sql('sql/enrichment/backfill_references'), {
      identity: ctx.identity,
      signal: ctx.signal,
    });
    return { rowsAffected: result.rowsAffected ?? null };
  },
});
