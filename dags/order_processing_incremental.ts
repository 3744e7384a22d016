import { defineDag } from '../src/sdk/index.ts';

/**
 * Every 15 minutes (UTC), for the order files that landed since the last run (batch id = run id): sense ->
 * load to staging -> quality checks -> publish to fact_orders -> hourly and category aggregates -> archive.
 * One run at a time, so batches publish in order; a quiet quarter-hour skips everything after the sensor.
 */
export default defineDag({
  description: 'Every 15 minutes: sense -> load -> checks -> publish -> aggregates -> archive',
  schedule: '*/15 * * * *',
  startDate: '2026-01-01T00:00:00Z',
  catchup: false,
  maxActiveRuns: 1,
  tags: ['orders', 'incremental'],
  defaults: {
    retries: 2,
    retryDelay: '5m',
    retryExponentialBackoff: false,
    maxRetryDelay: '1h',
    timeout: '30m',
    pool: 'warehouse',
  },
  tasks: {
    sense_files: {
      job: 'sense_order_files',
      description:
        'Record new objects in landing/orders/ and claim them for this batch; skipped after 10 quiet minutes',
      pool: 'default',
      sensor: { pokeInterval: '30s', timeout: '10m', softFail: true },
    },
    load_staging: {
      job: 'load_orders',
      description: 'One load of the claimed files; validation to staging_orders and quarantine_orders',
      upstream: ['sense_files'],
    },
    run_checks: {
      job: 'check_orders',
      description: 'quality/orders/* on the staged batch; an error blocks publication',
      upstream: ['load_staging'],
    },
    publish: {
      job: 'publish_orders',
      description: 'Replace the lines of every order of the batch in fact_orders',
      upstream: ['run_checks'],
    },
    refresh_aggregates: {
      job: 'aggregate_orders',
      description: 'agg_hourly_metrics and agg_category_revenue for every hour and date the batch touched',
      upstream: ['publish'],
    },
    archive_files: {
      job: 'archive_orders',
      description: 'Move exactly the claimed files to archive/orders/dt=YYYY-MM-DD/<batch_id>/',
      upstream: ['refresh_aggregates'],
      pool: 'default',
    },
  },
});
