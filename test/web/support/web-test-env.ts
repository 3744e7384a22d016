/**
 * A dashboard test environment in its own namespace: a temp SLUICE_HOME with a PGlite metadata DB (or a fresh
 * Postgres schema) and a DuckDB warehouse holding every table, demo-like seed data written through the ports
 * (runs through the real state machine: schedule, queue, start try, log, finish), and a fastify app with the
 * dashboard registered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { KyselyMetadataStore } from '../../../src/adapters/metadata/kysely/kysely-metadata-store.ts';
import { openWarehouse } from '../../../src/adapters/warehouse/open-warehouse.ts';
import { compileConfig, type SluiceConfig } from '../../../src/config/config.ts';
import { compileDag } from '../../../src/core/dag/compile-dag.ts';
import type { DagSpec } from '../../../src/core/dag/dag-spec.ts';
import type { DagRun, MetadataStore } from '../../../src/ports/metadata-store.ts';
import type { Warehouse } from '../../../src/ports/warehouse.ts';
import type { DashboardDeps } from '../../../src/web/dashboard/dashboard-deps.ts';
import { dashboardServerOptions } from '../../../src/web/dashboard/dashboard-server-options.ts';
import { registerDashboard } from '../../../src/web/dashboard/register-dashboard.ts';
import { allTables } from '../../../tables/index.ts';
import { type Backend, openTestStore } from '../../metadata/test-stores.ts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface WebTestEnv {
  readonly home: string;
  readonly store: KyselyMetadataStore;
  readonly config: SluiceConfig;
  openWarehouse(): Promise<Warehouse>;
  /** Build an app with the dashboard (not listening). */
  app(overrides?: Partial<DashboardDeps>): Promise<FastifyInstance>;
  cleanup(): Promise<void>;
}

/**
 * Open a fresh environment.
 *
 * @example const env = await openWebTestEnv({ token: 'secret-token-1' })
 */
export async function openWebTestEnv(
  options: { backend?: Backend; token?: string; host?: string; tables?: boolean } = {},
): Promise<WebTestEnv> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-web-'));
  const t = await openTestStore(options.backend ?? 'pglite');
  const config = compileConfig({
    env: { SLUICE_HOME: home },
    cwd: ROOT,
    projectDir: ROOT,
    fileOverrides: {},
    flags: {
      web: { host: options.host ?? '127.0.0.1', port: 0, ...(options.token ? { token: options.token } : {}) },
    },
  });
  const open = () => openWarehouse(config);
  if (options.tables !== false) {
    const wh = await open();
    await wh.ensureTables(allTables);
    await wh.close();
  }
  await t.store.ensurePools([
    { name: 'default', slots: 16 },
    { name: 'warehouse', slots: 1 },
  ]);
  const apps: FastifyInstance[] = [];
  return {
    home,
    store: t.store,
    config,
    openWarehouse: open,
    async app(overrides = {}) {
      const app = Fastify({ logger: false, ...dashboardServerOptions });
      await app.register(registerDashboard, {
        store: t.store,
        openWarehouse: open,
        executor: { kind: 'local', inFlight: async () => 0 },
        config,
        warehouseRetry: { attempts: 2, delayMs: 50 },
        ...overrides,
      });
      await app.ready();
      apps.push(app);
      return app;
    },
    async cleanup() {
      await Promise.all(apps.map((a) => a.close()));
      await t.cleanup();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A DAG shaped like the order pipeline (every 15 minutes). */
export function ordersSpec(id = 'orders_demo'): DagSpec {
  return compile(id, {
    description: 'Every 15 minutes: sense -> load -> checks -> publish -> aggregates -> archive',
    schedule: '*/15 * * * *',
    startDate: '2026-01-01T00:00:00Z',
    defaults: { retries: 1, retryDelay: '1m' },
    tasks: {
      sense_files: { job: 'sense_order_files' },
      load_staging: { job: 'load_orders', upstream: ['sense_files'], pool: 'warehouse' },
      run_checks: { job: 'run_order_checks', upstream: ['load_staging'], pool: 'warehouse' },
      publish: { job: 'publish_orders', upstream: ['run_checks'], pool: 'warehouse' },
      aggregates: { job: 'refresh_aggregates', upstream: ['publish'], pool: 'warehouse' },
      archive: { job: 'archive_files', upstream: ['publish'] },
    },
  });
}

/** A nightly DAG with two independent branches. */
export function dailySpec(id = 'daily_demo'): DagSpec {
  return compile(id, {
    description: 'Nightly: dimensions, reports',
    schedule: '0 0 * * *',
    startDate: '2026-01-01T00:00:00Z',
    tasks: {
      load_products: { job: 'load_products' },
      report_low_stock: { job: 'report_low_stock', upstream: ['load_products'] },
      check_freshness: { job: 'check_freshness' },
    },
  });
}

function compile(id: string, definition: unknown): DagSpec {
  const r = compileDag({ id, file: `dags/${id}.ts`, definition });
  if (!r.ok) throw new Error(`bad test DAG ${id}: ${JSON.stringify(r.problems)}`);
  return r.spec;
}

export type TaskPlan =
  | 'success'
  | 'failed'
  | 'retry_then_success'
  | 'skipped'
  | 'upstream_failed'
  | 'running'
  | 'none';

/**
 * Create a run and drive its task instances through the store's state machine according to `plan` (tasks not
 * named succeed), with log lines per try; the run ends success/failed unless a task stays running or none.
 */
export async function seedRun(
  store: MetadataStore,
  spec: DagSpec,
  intervalStart: Date,
  plan: Record<string, TaskPlan> = {},
  runType: DagRun['runType'] = 'scheduled',
): Promise<DagRun> {
  const step = spec.schedule === '0 0 * * *' ? 86_400_000 : 15 * 60_000;
  let now = new Date(intervalStart.getTime() + step);
  const tick = (ms = 1500) => {
    now = new Date(now.getTime() + ms);
    return now;
  };
  const run = (await store.createRun(
    {
      dagId: spec.id,
      runType,
      intervalStart,
      intervalEnd: new Date(intervalStart.getTime() + step),
      tasks: spec.tasks.map((t) => ({ taskId: t.id, pool: t.pool, priority: t.order })),
    },
    now,
  ))!;
  await store.startQueuedRuns(spec.id, 64, tick());
  let open = false;
  let failed = false;
  for (const task of spec.tasks) {
    const what = plan[task.id] ?? 'success';
    const key = (n: number) => ({ runId: run.runId, taskId: task.id, tryNumber: n });
    if (what === 'none') {
      open = true;
      continue;
    }
    if (what === 'skipped' || what === 'upstream_failed') {
      await store.transitionTasks([{ runId: run.runId, taskId: task.id, from: 'none', to: what }], tick());
      if (what === 'upstream_failed') failed = true;
      continue;
    }
    const attempt = async (from: 'none' | 'up_for_retry'): Promise<number> => {
      await store.transitionTasks([{ runId: run.runId, taskId: task.id, from, to: 'scheduled' }], tick());
      const queued = await store.queueScheduled(task.pool, tick(), 1);
      const n = queued.find((q) => q.taskId === task.id)!.tryNumber;
      await store.startTry(key(n), 'worker-test-1', tick());
      await store.appendLogs(key(n), [
        { at: tick(10), level: 'info', message: `starting ${task.job} try ${n}` },
        { at: tick(10), level: 'debug', message: 'rendered sql/orders/load_staging', fields: { rows: 42 } },
      ]);
      return n;
    };
    if (what === 'running') {
      await attempt('none');
      open = true;
      continue;
    }
    let n = await attempt('none');
    if (what === 'retry_then_success') {
      await store.appendLogs(key(n), [
        { at: tick(10), level: 'error', message: 'warehouse busy, will retry' },
      ]);
      await store.finishTry(
        key(n),
        {
          state: 'up_for_retry',
          error: {
            code: 'E_WAREHOUSE_LOCKED',
            message: 'DuckDB file is locked',
            stack: 'Error: locked\n    at load',
          },
          nextAttemptAt: tick(60_000),
          countsAsFailure: true,
        },
        tick(),
      );
      n = await attempt('up_for_retry');
    }
    if (what === 'failed') {
      await store.appendLogs(key(n), [
        { at: tick(10), level: 'error', message: 'batch_reconciliation failed' },
      ]);
      await store.finishTry(
        key(n),
        {
          state: 'failed',
          error: {
            code: 'E_CHECK_FAILED',
            message: 'check batch_reconciliation (error) failed: 3 rows',
            stack:
              'SluiceError: check batch_reconciliation failed\n    at runChecks (jobs/run_order_checks.ts:42:11)',
          },
          countsAsFailure: true,
        },
        tick(),
      );
      failed = true;
      continue;
    }
    await store.appendLogs(key(n), [{ at: tick(10), level: 'info', message: `done ${task.id}` }]);
    await store.finishTry(
      key(n),
      { state: 'success', result: { rows: 42, task: task.id }, countsAsFailure: false },
      tick(4000),
    );
  }
  if (!open) await store.transitionRun(run.runId, ['running'], failed ? 'failed' : 'success', tick());
  return (await store.getRun(run.runId))!;
}

/**
 * Seed `count` finished runs of a DAG in bulk (SQL on the test's own store), for paging tests and benchmarks:
 * one run per 15 minutes from `from`, every 10th failed, each with the spec's task instances.
 */
export async function seedManyRuns(
  store: KyselyMetadataStore,
  spec: DagSpec,
  count: number,
  from: Date,
): Promise<void> {
  await store.syncDags([spec]);
  const tasks = spec.tasks.map((t) => `('${t.id}', '${t.pool}', ${t.order})`).join(', ');
  await sql`
    insert into dag_runs (run_id, dag_id, run_type, state, interval_start, interval_end, created_at, started_at, ended_at)
    select ${spec.id} || '__' || to_char(ts at time zone 'UTC', 'YYYYMMDD"T"HH24MI"Z"'), ${spec.id}, 'scheduled',
           case when i % 10 = 0 then 'failed' else 'success' end,
           ts, ts + interval '15 minutes', ts + interval '15 minutes', ts + interval '15 minutes',
           ts + interval '15 minutes 40 seconds'
      from (select i, ${from}::timestamptz + i * interval '15 minutes' as ts from generate_series(0, ${count - 1}) as i) s
  `.execute(store.db);
  await sql`
    insert into task_instances (run_id, task_id, dag_id, state, try_number, failures, pool, priority, interval_start,
                                queued_at, started_at, first_started_at, ended_at, updated_at)
    select r.run_id, t.task_id, r.dag_id,
           case when r.state = 'failed' and t.priority = 1 then 'failed'
                when r.state = 'failed' and t.priority > 1 then 'upstream_failed' else 'success' end,
           1, 0, t.pool, t.priority, r.interval_start, r.started_at, r.started_at, r.started_at,
           r.started_at + (t.priority + 1) * interval '5 seconds', r.ended_at
      from dag_runs r cross join (values ${sql.raw(tasks)}) as t(task_id, pool, priority)
     where r.dag_id = ${spec.id}
  `.execute(store.db);
}

/** Demo-like warehouse rows: quality results, quarantined lines, facts, aggregates and reports. */
export async function seedWarehouse(open: () => Promise<Warehouse>): Promise<void> {
  const wh = await open();
  try {
    const q = (t: string) => wh.qualify(t);
    await wh.execute(`
      INSERT INTO ${q('data_quality_checks')} (check_id, check_name, target_table, dag_id, run_id, task_id, batch_id,
        interval_start, interval_end, severity, status, rows_checked, rows_failed, sample, details, checked_at)
      SELECT 'c' || i || '_' || name, name, 'staging_orders', 'orders_demo',
             'orders_demo__' || strftime(TIMESTAMP '2026-01-01 10:00:00' + i * INTERVAL 15 MINUTE, '%Y%m%dT%H%MZ'), 'run_checks',
             'orders_demo__' || strftime(TIMESTAMP '2026-01-01 10:00:00' + i * INTERVAL 15 MINUTE, '%Y%m%dT%H%MZ'),
             TIMESTAMP '2026-01-01 10:00:00' + i * INTERVAL 15 MINUTE, TIMESTAMP '2026-01-01 10:15:00' + i * INTERVAL 15 MINUTE,
             sev, CASE WHEN name = 'amount_mismatch' AND i % 2 = 1 THEN 'warn' WHEN name = 'batch_reconciliation' AND i = 3 THEN 'fail' ELSE 'pass' END,
             100 + i, CASE WHEN name = 'amount_mismatch' AND i % 2 = 1 THEN i WHEN name = 'batch_reconciliation' AND i = 3 THEN 3 ELSE 0 END,
             CAST('[{"order_id":"ord-' || i || '"}]' AS JSON), 'threshold 0.01', TIMESTAMP '2026-01-01 10:16:00' + i * INTERVAL 15 MINUTE
      FROM range(0, 4) AS r(i), (VALUES ('amount_mismatch', 'warn'), ('batch_reconciliation', 'error'), ('duplicate_order_ids', 'warn')) AS c(name, sev)
    `);
    await wh.execute(`
      INSERT INTO ${q('quarantine_orders')} (batch_id, source_file, line_number, raw_line, order_id, reason_code, reason_detail, quarantined_at)
      SELECT 'orders_demo__20260101T1000Z', 'landing/orders/batch-' || (i % 3) || '.jsonl', i,
             CASE WHEN i % 4 = 0 THEN '{not json <script>alert(1)</script>' ELSE '{"order_id":"q' || i || '","items":[]}' END,
             CASE WHEN i % 4 = 0 THEN NULL ELSE 'q' || i END,
             CASE WHEN i % 4 = 0 THEN 'invalid_json' WHEN i % 4 = 1 THEN 'empty_items' ELSE 'missing_required_field' END,
             CASE WHEN i % 4 = 2 THEN 'customer_id' ELSE NULL END, TIMESTAMP '2026-01-01 10:16:00'
      FROM range(1, 121) AS r(i)
    `);
    await wh.execute(`
      INSERT INTO ${q('agg_hourly_metrics')} (hour_start, total_orders, completed_orders, revenue, items_sold, avg_order_value, unique_customers, updated_at)
      SELECT TIMESTAMP '2026-01-01 00:00:00' + h * INTERVAL 1 HOUR, 20 + h, 15 + h, CAST(1000.50 + h * 10 AS DECIMAL(38,9)), 40 + h,
             CAST(round((1000.50 + h * 10) / (15 + h), 2) AS DECIMAL(38,9)), 10 + h, TIMESTAMP '2026-01-02 00:00:00'
      FROM range(0, 72) AS r(h)
    `);
    await wh.execute(`
      INSERT INTO ${q('agg_category_revenue')} (order_date, category, revenue, units, orders, updated_at)
      SELECT DATE '2026-01-01' + CAST(d AS INTEGER), cat, CAST(100 * (d + 1) * len(cat) AS DECIMAL(38,9)), 3 * (d + 1), d + 1, TIMESTAMP '2026-01-04 00:00:00'
      FROM range(0, 3) AS r(d), (VALUES ('Electronics'), ('Books'), ('Home & Garden')) AS c(cat)
    `);
    await wh.execute(`
      INSERT INTO ${q('fact_orders')} (order_id, line_number, order_timestamp, order_date, hour_start, customer_id, customer_tier,
        product_id, product_name, category, quantity, unit_price, line_total, order_total, payment_status, region, batch_id, source_file, loaded_at)
      SELECT 'ord-' || i, 1, TIMESTAMP '2026-01-01 10:00:00', DATE '2026-01-01', TIMESTAMP '2026-01-01 10:00:00', 'CUST-1', 'gold',
             'PROD-1', 'Widget', 'Electronics', 1, 10, 10, 10, 'completed', 'West', 'b', 'f', TIMESTAMP '2026-01-01 10:16:00'
      FROM range(0, 7) AS r(i)
    `);
    await wh.execute(`
      INSERT INTO ${q('report_low_stock')} (report_date, product_id, product_name, category, stock_level, units_sold_7d, avg_daily_units, days_of_cover, severity)
      VALUES (DATE '2026-01-02', 'PROD-1', 'Widget, "large"', 'Electronics', 0, 14, 2, 0, 'out_of_stock'),
             (DATE '2026-01-02', 'PROD-2', 'Gadget', 'Electronics', 4, 7, 1, 4, 'low'),
             (DATE '2026-01-01', 'PROD-1', 'Widget, "large"', 'Electronics', 2, 14, 2, 1, 'critical');
      INSERT INTO ${q('report_dq_daily_summary')} (report_date, check_name, executions, passes, warns, fails, rows_failed)
      VALUES (DATE '2026-01-02', 'amount_mismatch', 96, 90, 6, 0, 12);
      INSERT INTO ${q('report_inactive_customers')} (report_date, customer_id, name, email, customer_tier, last_order_date, days_inactive, lifetime_revenue)
      VALUES (DATE '2026-01-02', 'CUST-9', 'Ada <b>Lovelace</b>', 'ada@example.com', 'gold', NULL, 45, 0);
    `);
  } finally {
    await wh.close();
  }
}

/** Seed both demo DAGs with a handful of runs in mixed states, like after `sluice demo`. */
export async function seedDemo(
  store: MetadataStore,
): Promise<{ orders: DagSpec; daily: DagSpec; runs: DagRun[] }> {
  const orders = ordersSpec();
  const daily = dailySpec();
  await store.syncDags([orders, daily]);
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  const at = (i: number) => new Date(t0 + i * 15 * 60_000);
  const runs = [
    await seedRun(store, orders, at(0)),
    await seedRun(store, orders, at(1), { load_staging: 'retry_then_success' }),
    await seedRun(store, orders, at(2), {
      sense_files: 'skipped',
      load_staging: 'skipped',
      run_checks: 'skipped',
      publish: 'skipped',
      aggregates: 'skipped',
      archive: 'skipped',
    }),
    await seedRun(store, orders, at(3), {
      run_checks: 'failed',
      publish: 'upstream_failed',
      aggregates: 'upstream_failed',
      archive: 'upstream_failed',
    }),
    await seedRun(store, daily, new Date('2026-01-01T00:00:00Z')),
  ];
  return { orders, daily, runs };
}
