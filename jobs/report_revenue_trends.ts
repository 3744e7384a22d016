import { defineJob } from '../src/sdk/index.ts';
import { writeReport } from './lib-daily/write-report.ts';

export default defineJob({
  description:
    'Completed revenue per day, region and category over D-89..D, with a 7-calendar-day average; replaces report_date = D and exports reports/report_revenue_trends/dt=D/report_revenue_trends.csv',
  run: (ctx) => writeReport(ctx, 'report_revenue_trends', ['day', 'region', 'category']),
});
