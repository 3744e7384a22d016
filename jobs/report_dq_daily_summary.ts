import { defineJob } from '../src/sdk/index.ts';
import { writeReport } from './lib-daily/write-report.ts';

export default defineJob({
  description:
    'Per check, the data-quality results of every run whose interval starts on D; replaces report_date = D and exports reports/report_dq_daily_summary/dt=D/report_dq_daily_summary.csv',
  run: (ctx) => writeReport(ctx, 'report_dq_daily_summary', ['check_name']),
});
