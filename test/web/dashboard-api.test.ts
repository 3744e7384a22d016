/**
 * The dashboard's REST API on real PGlite and DuckDB: reads of runs, grids, tries and logs from the metadata
 * store, quality/quarantine/metrics/reports from the warehouse, the run actions, and the warehouse lock path.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckDbOptionsFromConfig } from '../../src/adapters/warehouse/duckdb/duckdb-config.ts';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import {
  dailySpec,
  openWebTestEnv,
  ordersSpec,
  ROOT,
  seedDemo,
  seedRun,
  seedWarehouse,
  type WebTestEnv,
} from './support/web-test-env.ts';

const RUN_FAILED = 'orders_demo__20260101T1045Z';
const RUN_RETRIED = 'orders_demo__20260101T1015Z';

describe('dashboard API: reads', () => {
  let env: WebTestEnv;
  let app: FastifyInstance;
  const get = async (url: string) => {
    const r = await app.inject({ url });
    const isJson = String(r.headers['content-type']).includes('json');
    return { status: r.statusCode, body: isJson ? r.json() : undefined, headers: r.headers, text: r.body };
  };

  beforeAll(async () => {
    env = await openWebTestEnv();
    await seedDemo(env.store);
    // A third DAG whose runs share interval starts with orders_demo: the runs cursor must not skip or repeat.
    const ties = ordersSpec('ties_demo');
    await env.store.syncDags([ties]);
    for (const m of [0, 15, 30]) await seedRun(env.store, ties, new Date(Date.UTC(2026, 0, 1, 10, m)));
    await seedWarehouse(() => env.openWarehouse());
    app = await env.app({ clock: { now: () => new Date('2026-01-01T11:20:00Z') } });
  });
  afterAll(async () => env?.cleanup());

  it('lists DAGs with their latest runs, newest first, and the next scheduled run', async () => {
    const { status, body } = await get('/api/dags');
    expect(status).toBe(200);
    expect(body.errors).toEqual([]);
    expect(body.dags.map((d: { dagId: string }) => d.dagId)).toEqual([
      'daily_demo',
      'orders_demo',
      'ties_demo',
    ]);
    const orders = body.dags[1];
    expect(orders.tasks).toEqual([
      'sense_files',
      'load_staging',
      'run_checks',
      'publish',
      'aggregates',
      'archive',
    ]);
    expect(orders.recentRuns.map((r: { state: string }) => r.state)).toEqual([
      'failed',
      'success',
      'success',
      'success',
    ]);
    expect(orders.lastRun.runId).toBe(RUN_FAILED);
    expect(orders.nextRunAt).toMatch(/^2026-01-01T/);
    expect(orders.taskDetails[1]).toMatchObject({
      taskId: 'load_staging',
      pool: 'warehouse',
      upstream: ['sense_files'],
    });
  });

  it('pages the grid by interval start, oldest run on the left', async () => {
    const first = await get('/api/dags/orders_demo/grid?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.runs.map((r: { runId: string }) => r.runId)).toEqual([
      'orders_demo__20260101T1030Z',
      RUN_FAILED,
    ]);
    expect(first.body.newer).toBeNull();
    const failed = first.body.runs[1].tasks;
    expect([failed.run_checks.state, failed.publish.state, failed.sense_files.state]).toEqual([
      'failed',
      'upstream_failed',
      'success',
    ]);
    const older = await get(
      `/api/dags/orders_demo/grid?limit=2&before=${encodeURIComponent(first.body.older)}`,
    );
    expect(older.body.runs.map((r: { runId: string }) => r.runId)).toEqual([
      'orders_demo__20260101T1000Z',
      RUN_RETRIED,
    ]);
    expect(older.body.older).toBeNull();
    const newer = await get(
      `/api/dags/orders_demo/grid?limit=2&after=${encodeURIComponent(older.body.newer)}`,
    );
    expect(newer.body.runs.map((r: { runId: string }) => r.runId)).toEqual(
      first.body.runs.map((r: { runId: string }) => r.runId),
    );
  });

  it('pages runs with a cursor that neither skips nor repeats runs sharing an interval start', async () => {
    const all = (await get('/api/runs?limit=500')).body.map((r: { runId: string }) => r.runId);
    expect(all).toHaveLength(8);
    for (const limit of [1, 2, 3, 5]) {
      const seen: string[] = [];
      let url = `/api/runs?limit=${limit}`;
      for (let i = 0; i < 20; i++) {
        const page = await get(url);
        seen.push(...page.body.map((r: { runId: string }) => r.runId));
        const cursor = page.headers['x-next-cursor'];
        if (!cursor) break;
        expect(page.headers.link).toContain('rel="next"');
        url = `/api/runs?limit=${limit}&cursor=${encodeURIComponent(String(cursor))}`;
      }
      expect(seen).toEqual(all);
    }
    const failed = await get('/api/runs?state=failed&dag=orders_demo');
    expect(failed.body.map((r: { runId: string }) => r.runId)).toEqual([RUN_FAILED]);
    const types = await get('/api/runs?runType=manual,backfill');
    expect(types.body).toEqual([]);
  });

  it('shows a run with its task instances and the error of each failed try', async () => {
    const { body } = await get(`/api/runs/${RUN_FAILED}`);
    expect(body.run).toMatchObject({ runId: RUN_FAILED, state: 'failed', runType: 'scheduled' });
    const checks = body.tasks.find((t: { taskId: string }) => t.taskId === 'run_checks');
    expect(checks).toMatchObject({ state: 'failed', tryNumber: 1, failures: 1 });
    expect(checks.error).toContain('batch_reconciliation');
    expect(body.tasks.find((t: { taskId: string }) => t.taskId === 'sense_files').error).toBeNull();
  });

  it('shows every try of a task and the logs of the one asked for', async () => {
    const task = await get(`/api/runs/${RUN_RETRIED}/tasks/load_staging`);
    expect(task.body.tries.map((t: { tryNumber: number; state: string }) => [t.tryNumber, t.state])).toEqual([
      [1, 'up_for_retry'],
      [2, 'success'],
    ]);
    expect(task.body.tries[0].error).toMatchObject({ code: 'E_WAREHOUSE_LOCKED' });
    expect(task.body.result).toEqual({ rows: 42, task: 'load_staging' });
    const latest = await get(`/api/runs/${RUN_RETRIED}/tasks/load_staging/logs`);
    expect(latest.body.tryNumber).toBe(2);
    expect(latest.body.lines.map((l: { message: string }) => l.message)).toContain('done load_staging');
    const first = await get(`/api/runs/${RUN_RETRIED}/tasks/load_staging/logs?try=1`);
    expect(first.body.lines.map((l: { message: string }) => l.message)).toContain(
      'warehouse busy, will retry',
    );
    expect(first.body.lines.find((l: { level: string }) => l.level === 'debug').fields).toEqual({ rows: 42 });
    const missing = await get(`/api/runs/${RUN_RETRIED}/tasks/load_staging/logs?try=9`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('E_NOT_FOUND');
  });

  it('reads the latest check results, one trend per check and failing samples', async () => {
    const latest = await get('/api/quality/checks?dagId=orders_demo');
    const byName = Object.fromEntries(
      latest.body.checks.map((c: { check_name: string }) => [c.check_name, c]),
    );
    expect(byName.amount_mismatch).toMatchObject({
      status: 'warn',
      rows_failed: 3,
      sample: [{ order_id: 'ord-3' }],
    });
    expect(byName.batch_reconciliation).toMatchObject({ status: 'fail', severity: 'error' });
    expect(byName.duplicate_order_ids).toMatchObject({ status: 'pass', rows_failed: 0 });
    const trend = await get('/api/quality/trend?dagId=orders_demo&check=amount_mismatch&limit=3');
    expect(trend.body.executions.map((e: { status: string }) => e.status)).toEqual(['warn', 'pass', 'warn']);
    const failures = await get('/api/quality/failures?check=amount_mismatch');
    expect(failures.body.failures).toHaveLength(2);
    expect(failures.body.failures.every((f: { status: string }) => f.status === 'warn')).toBe(true);
    expect((await get('/api/quality/checks?dagId=daily_demo')).body.checks).toEqual([]);
  });

  it('browses the quarantine by reason code and batch, a page at a time', async () => {
    const reasons = await get('/api/quarantine/reasons');
    expect(reasons.body.reasons).toEqual([
      { reason_code: 'missing_required_field', lines: 60, batches: 1 },
      { reason_code: 'empty_items', lines: 30, batches: 1 },
      { reason_code: 'invalid_json', lines: 30, batches: 1 },
    ]);
    const first = await get('/api/quarantine?limit=50');
    expect(first.body.rows).toHaveLength(50);
    expect(first.body.hasMore).toBe(true);
    const last = await get('/api/quarantine?limit=50&offset=100');
    expect(last.body.rows).toHaveLength(20);
    expect(last.body.hasMore).toBe(false);
    const keys = [
      ...first.body.rows,
      ...(await get('/api/quarantine?limit=50&offset=50')).body.rows,
      ...last.body.rows,
    ].map((r: { source_file: string; line_number: number }) => `${r.source_file}:${r.line_number}`);
    expect(new Set(keys).size).toBe(120);
    const json = await get('/api/quarantine?reason=invalid_json&limit=500');
    expect(json.body.rows).toHaveLength(30);
    expect(json.body.rows.every((r: { reason_code: string }) => r.reason_code === 'invalid_json')).toBe(true);
    expect((await get('/api/quarantine?batchId=orders_demo__20990101T0000Z')).body.rows).toEqual([]);
  });

  it('serves hourly metrics and revenue by category over bounded windows', async () => {
    const hourly = await get('/api/metrics/hourly');
    expect(hourly.body.hours).toHaveLength(48);
    expect(hourly.body.to).toBe('2026-01-04T00:00:00.000Z');
    const window = await get('/api/metrics/hourly?from=2026-01-01T00:00:00Z&to=2026-01-01T03:00:00Z');
    expect(window.body.hours.map((h: { total_orders: number }) => h.total_orders)).toEqual([20, 21, 22]);
    expect(window.body.hours[0].revenue).toBe('1000.5');
    expect((await get('/api/metrics/hourly?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z')).status).toBe(
      400,
    );
    expect((await get('/api/metrics/hourly?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(
      400,
    );
    const cats = await get('/api/metrics/categories');
    expect(
      cats.body.categories.map((c: { category: string; revenue: string }) => [c.category, c.revenue]),
    ).toEqual([
      ['Home & Garden', '7800'],
      ['Electronics', '6600'],
      ['Books', '3000'],
    ]);
    const oneDay = await get('/api/metrics/categories?from=2026-01-02&to=2026-01-02');
    expect(oneDay.body.categories.find((c: { category: string }) => c.category === 'Books').revenue).toBe(
      '1000',
    );
  });

  it('lists reports, pages one date and downloads it as CSV', async () => {
    const list = await get('/api/reports');
    const lowStock = list.body.reports.find((r: { report: string }) => r.report === 'low_stock');
    expect(lowStock.dates).toEqual([
      { report_date: '2026-01-02', row_count: 2 },
      { report_date: '2026-01-01', row_count: 1 },
    ]);
    const page = await get('/api/reports/low_stock');
    expect(page.body.reportDate).toBe('2026-01-02');
    expect(page.body.rows.map((r: { product_id: string }) => r.product_id)).toEqual(['PROD-1', 'PROD-2']);
    const csv = await get('/api/reports/low_stock/csv?date=2026-01-02');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="report_low_stock_2026-01-02.csv"');
    expect(csv.text.split('\r\n')).toEqual([
      'report_date,product_id,product_name,category,stock_level,units_sold_7d,avg_daily_units,days_of_cover,severity',
      '2026-01-02,PROD-1,"Widget, ""large""",Electronics,0,14,2,0,out_of_stock',
      '2026-01-02,PROD-2,Gadget,Electronics,4,7,1,4,low',
      '',
    ]);
    const trends = await get('/api/reports/revenue_trends/csv');
    expect(trends.status).toBe(404);
    expect((await get('/api/reports/revenue_trends')).body).toMatchObject({ reportDate: null, rows: [] });
  });

  it('previews a backfill without creating anything, then creates, lists, shows and cancels it', async () => {
    // Now is 11:20: the intervals of 2026-01-01 that have ended, 00:00 to 11:00, four of which have runs.
    const request = { dagId: 'orders_demo', from: '2026-01-01', to: '2026-01-02' };
    const preview = await app.inject({ method: 'POST', url: '/api/backfills/dry-run', payload: request });
    expect(preview.statusCode).toBe(200);
    const plan = preview.json();
    expect([plan.intervals, plan.create, plan.skip]).toEqual([45, 41, 4]);
    expect(
      plan.items
        .filter((i: { action: string }) => i.action === 'skip')
        .map((i: { runId: string }) => i.runId),
    ).toContain(RUN_FAILED);
    expect((await get('/api/backfills')).body).toEqual([]);

    const created = await app.inject({
      method: 'POST',
      url: '/api/backfills',
      payload: { ...request, maxActiveRuns: 1 },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().backfill.backfillId;
    expect((await get('/api/backfills')).body.map((b: { backfillId: string }) => b.backfillId)).toEqual([id]);
    const status = await get(`/api/backfills/${id}?intervals=true`);
    expect(status.body).toMatchObject({ dagId: 'orders_demo', state: 'running', maxActiveRuns: 1 });
    expect(status.body.intervals).toHaveLength(45);
    const cancelled = await app.inject({ method: 'POST', url: `/api/backfills/${id}/cancel` });
    expect(cancelled.json().state).toBe('cancelled');

    const backwards = await app.inject({
      method: 'POST',
      url: '/api/backfills/dry-run',
      payload: { ...request, from: '2026-01-02', to: '2026-01-01' },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.message).toContain('from');
    expect((await get('/api/backfills/bf-999')).status).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: '/api/backfills', payload: { dagId: 'x', from: 1 } }))
        .statusCode,
    ).toBe(400);
  });
});

describe('dashboard API: actions', () => {
  let env: WebTestEnv;
  let app: FastifyInstance;
  let notified = 0;
  const post = async (url: string, payload?: unknown) => {
    const r = await app.inject({
      method: 'POST',
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: r.statusCode, body: r.json() };
  };

  beforeAll(async () => {
    env = await openWebTestEnv({ tables: false });
    await seedDemo(env.store);
    app = await env.app({ clock: { now: () => new Date('2026-01-01T11:20:00Z') }, notify: () => notified++ });
  });
  afterAll(async () => env?.cleanup());

  it('triggers a manual run once per interval and says why not otherwise', async () => {
    const before = notified;
    const run = await post('/api/dags/orders_demo/trigger', { intervalStart: '2026-01-01T12:00:00Z' });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({
      runId: 'orders_demo__20260101T1200Z',
      runType: 'manual',
      state: 'queued',
    });
    expect(notified).toBe(before + 1);
    const tasks = (await app.inject({ url: '/api/runs/orders_demo__20260101T1200Z' })).json().tasks;
    expect(tasks.map((t: { state: string }) => t.state)).toEqual(Array(6).fill('none'));

    const again = await post('/api/dags/orders_demo/trigger', { intervalStart: '2026-01-01T12:00:00Z' });
    expect([again.status, again.body.error.code]).toEqual([409, 'E_CONFLICT']);
    const latest = await post('/api/dags/orders_demo/trigger');
    expect(latest.status).toBe(201);
    expect(latest.body.intervalStart).toBe('2026-01-01T11:00:00.000Z');
    const odd = await post('/api/dags/orders_demo/trigger', { intervalStart: '2026-01-01T12:07:00Z' });
    expect([odd.status, odd.body.error.code]).toEqual([400, 'E_USAGE']);
    expect((await post('/api/dags/no_such_dag/trigger')).status).toBe(404);
    expect(
      (await post('/api/dags/orders_demo/trigger', { intervalStart: '2026-01-01T13:00:00Z', x: 1 })).status,
    ).toBe(400);
  });

  it('pauses and unpauses a DAG', async () => {
    const paused = await post('/api/dags/daily_demo/pause');
    expect(paused.body).toMatchObject({ dagId: 'daily_demo', paused: true, nextRunAt: null });
    expect((await env.store.getDag('daily_demo'))!.paused).toBe(true);
    const resumed = await post('/api/dags/daily_demo/unpause');
    expect(resumed.body.paused).toBe(false);
    expect(resumed.body.nextRunAt).not.toBeNull();
    expect((await post('/api/dags/nope/pause')).status).toBe(404);
  });

  it('clears a task with its downstream tasks, or alone, and the failed tasks of a run', async () => {
    const alone = await post(`/api/runs/${RUN_FAILED}/tasks/archive/clear`, { downstream: false });
    expect(alone.body.cleared).toEqual(['archive']);
    const withDown = await post(`/api/runs/${RUN_FAILED}/tasks/run_checks/clear`);
    expect(withDown.body.cleared).toEqual(['run_checks', 'publish', 'aggregates', 'archive']);
    const run = await env.store.getRun(RUN_FAILED);
    expect(run!.state).toBe('queued');
    const ti = await env.store.getTaskInstance(RUN_FAILED, 'run_checks');
    expect([ti!.state, ti!.failures]).toEqual(['none', 0]);
    expect((await env.store.getTaskInstance(RUN_FAILED, 'load_staging'))!.state).toBe('success');

    const other = await seedRun(env.store, ordersSpec(), new Date('2026-01-01T09:00:00Z'), {
      load_staging: 'failed',
      run_checks: 'upstream_failed',
      publish: 'upstream_failed',
      aggregates: 'upstream_failed',
      archive: 'upstream_failed',
    });
    const failedOnly = await post(`/api/runs/${other.runId}/clear`);
    expect(failedOnly.body.cleared.sort()).toEqual([
      'aggregates',
      'archive',
      'load_staging',
      'publish',
      'run_checks',
    ]);
    expect((await post('/api/runs/orders_demo__20990101T0000Z/tasks/publish/clear')).status).toBe(404);
    expect((await post(`/api/runs/${RUN_FAILED}/tasks/no_task/clear`)).status).toBe(404);
  });

  it('answers 503 with a JSON error while the warehouse tables do not exist', async () => {
    const r = await app.inject({ url: '/api/quality/checks' });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('E_WAREHOUSE_NOT_FOUND');
    expect(r.json().error.message).toContain('sluice init');
    const page = await app.inject({ url: '/ui/quality' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('sluice init');
  });
});

describe('dashboard API: a warehouse held by another process', () => {
  let env: WebTestEnv;
  let holder: ChildProcess | undefined;

  beforeAll(async () => {
    env = await openWebTestEnv();
    await env.store.syncDags([dailySpec()]);
  });
  afterAll(async () => {
    if (holder?.pid && holder.exitCode === null) holder.kill('SIGKILL');
    await env?.cleanup();
  });

  it('retries briefly, answers 503 with a JSON error, and recovers when the file is free', async () => {
    const path = env.config.warehouse.duckdb.path;
    holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const db = await DuckDBInstance.create(${JSON.stringify(path)});
         await db.connect();
         process.stdout.write('held\\n');
         process.stdin.on('data', () => { db.closeSync(); process.exit(0); });`,
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.on('data', (d) => String(d).includes('held') && resolve());
      holder!.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    let opened = 0;
    const app = await env.app({
      openWarehouse: async () => {
        opened++;
        return new DuckDbWarehouse({ ...duckDbOptionsFromConfig(env.config), lockTimeoutMs: 100 });
      },
      warehouseRetry: { attempts: 3, delayMs: 20 },
    });
    const busy = await app.inject({ url: '/api/quarantine/reasons' });
    expect(busy.statusCode).toBe(503);
    expect(busy.json().error.code).toBe('E_WAREHOUSE_LOCKED');
    expect(opened).toBe(3);
    const page = await app.inject({ url: '/ui/metrics' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('The warehouse is busy');

    holder.stdin!.write('release\n');
    await new Promise((resolve) => holder!.once('exit', resolve));
    const free = await app.inject({ url: '/api/quarantine/reasons' });
    expect(free.statusCode).toBe(200);
    expect(free.json().reasons).toEqual([]);
  });
});
