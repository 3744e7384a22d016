import { defineJob } from '../src/sdk/index.ts';
import { writeReport } from './lib-daily/write-report.ts';

export default defineJob({
  description:
    'Current customers with no completed order in the 30 days up to D (or none since registering 30+ days before D); replaces report_date = D and exports reports/report_inactive_customers/dt=D/report_inactive_customers.csv',
  run: (ctx) => writeReport(ctx, 'report_inactive_customers', ['customer_id']),
});
