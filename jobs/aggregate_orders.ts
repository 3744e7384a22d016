import { z } from 'zod';
import { defineJob } from '../src/sdk/index.ts';
import { batchOptions } from './lib/order-batch.ts';

/**
 * Recomputes, from fact_orders, agg_hourly_metrics for every hour the batch touched and agg_category_revenue
 * for every date it touched: the new hour/date of its orders and the old ones of the orders it replaced.
 * Recomputed, never incremented, so a retry changes nothing.
 */
export default defineJob({
  description: 'agg_hourly_metrics and agg_category_revenue for the hours and dates the batch touched',
  params: z.object({}).default({}),
  async run(ctx) {
    const hourly = await ctx.warehouse.execute(
      ctx.sql('sql/orders/refresh_hourly_metrics'),
      batchOptions(ctx),
    );
    const category = await ctx.warehouse.execute(
      ctx.sql('sql/orders/refresh_category_revenue'),
      batchOptions(ctx),
    );
    return {
      hourlyRowsChanged: hourly.rowsAffected ?? null,
      categoryRowsChanged: category.rowsAffected ?? null,
    };
  },
});
