import { z } from 'zod';
import { defineJob } from '../src/sdk/index.ts';
import { loadSnapshot } from './lib-daily/load-snapshot.ts';

export default defineJob({
  description:
    'Newest customer snapshot (landing/customers/*.csv) -> staging -> quarantine -> dim_customers (type 2, valid from D) -> archive',
  params: z.object({ maxQuarantinedPct: z.number().min(0).max(100).default(5) }),
  run: (ctx) =>
    loadSnapshot(ctx, {
      entity: 'customers',
      columns: ['customer_id', 'name', 'email', 'registration_date', 'customer_tier'],
      key: 'customer_id',
      dimension: 'dim_customers',
      // A changed customer gets a new version valid from the start of D.
      mergeParams: (c) => ({ valid_from: c.interval.start }),
    }),
});
