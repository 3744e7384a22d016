import { z } from 'zod';
import { defineJob } from '../src/sdk/index.ts';
import { loadSnapshot } from './lib-daily/load-snapshot.ts';

export default defineJob({
  description:
    'Newest product snapshot (landing/products/*.csv) -> staging -> quarantine -> dim_products (type 1) -> archive',
  params: z.object({ maxQuarantinedPct: z.number().min(0).max(100).default(5) }),
  run: (ctx) =>
    loadSnapshot(ctx, {
      entity: 'products',
      columns: ['product_id', 'product_name', 'category', 'price', 'stock_level'],
      key: 'product_id',
      dimension: 'dim_products',
      mergeParams: () => ({}),
    }),
});
