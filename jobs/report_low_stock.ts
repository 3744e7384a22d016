import { defineJob } from '../src/sdk/index.ts';
import { writeReport } from './lib-daily/write-report.ts';

export default defineJob({
  description:
    'Products selling in D-6..D with under 7 days of stock cover; replaces report_date = D and exports reports/report_low_stock/dt=D/report_low_stock.csv',
  run: (ctx) => writeReport(ctx, 'report_low_stock', ['product_id']),
});
