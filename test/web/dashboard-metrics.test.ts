/**
 * /metrics and /healthz, and the job queues: the note page with the local executor, bull-board and queue
 * depths with the bullmq executor on real Redis (own key prefix, removed afterwards).
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqSettingsFrom } from '../../src/adapters/executor/bullmq/bullmq-config.ts';
import { BullmqExecutor } from '../../src/adapters/executor/bullmq/bullmq-executor.ts';
import { compileConfig } from '../../src/config/config.ts';
import { openWebTestEnv, ROOT, seedDemo, seedWarehouse, type WebTestEnv } from './support/web-test-env.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (have === want) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics and /healthz (local executor)', () => {
  let env: WebTestEnv;
  beforeAll(async () => {
    env = await openWebTestEnv();
    await seedDemo(env.store);
    await seedWarehouse(() => env.openWarehouse());
  });
  afterAll(async () => env?.cleanup());

  it('exposes runs and tasks by state, durations, pools, in-flight tries and warehouse counts', async () => {
    const app = await env.app({
      clock: { now: () => new Date('2026-01-01T12:00:00Z') },
      executor: { kind: 'local', inFlight: async () => 3 },
    });
    const r = await app.inject({ url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    const text = r.body;
    expect(metric(text, 'sluice_dag_runs', { dag_id: 'orders_demo', state: 'success' })).toBe(3);
    expect(metric(text, 'sluice_dag_runs', { dag_id: 'orders_demo', state: 'failed' })).toBe(1);
    expect(metric(text, 'sluice_dag_runs', { dag_id: 'daily_demo', state: 'success' })).toBe(1);
    expect(metric(text, 'sluice_task_instances', { dag_id: 'orders_demo', state: 'upstream_failed' })).toBe(
      3,
    );
    expect(metric(text, 'sluice_task_instances', { dag_id: 'orders_demo', state: 'skipped' })).toBe(6);
    expect(metric(text, 'sluice_task_instances', { dag_id: 'orders_demo', state: 'failed' })).toBe(1);
    // 3 runs x 6 tasks succeeded once each, plus the retried try: durations of every finished try.
    expect(
      metric(text, 'sluice_task_duration_seconds_count', { dag_id: 'orders_demo', task_id: 'load_staging' }),
    ).toBe(4);
    expect(metric(text, 'sluice_dag_runs_active', { dag_id: 'orders_demo' })).toBe(0);
    expect(metric(text, 'sluice_dag_paused', { dag_id: 'orders_demo' })).toBe(0);
    expect(metric(text, 'sluice_pool_slots', { pool: 'warehouse' })).toBe(1);
    expect(metric(text, 'sluice_pool_occupied_slots', { pool: 'default' })).toBe(0);
    expect(metric(text, 'sluice_executor_in_flight')).toBe(3);
    expect(metric(text, 'sluice_published_fact_lines')).toBe(7);
    expect(metric(text, 'sluice_quarantined_lines', { reason_code: 'invalid_json' })).toBe(30);
    expect(metric(text, 'sluice_quarantined_lines', { reason_code: 'missing_required_field' })).toBe(60);
    expect(metric(text, 'sluice_warehouse_scrape_success')).toBe(1);
    expect(text).toContain('sluice_web_process_cpu_user_seconds_total');

    const health = await app.inject({ url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok', metadata: 'pglite', executor: 'local' });
  });

  it('leaves runs out of the window and shows the note instead of bull-board with the local executor', async () => {
    const app = await env.app({ clock: { now: () => new Date('2026-01-05T00:00:00Z') } });
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(metric(text, 'sluice_dag_runs', { dag_id: 'orders_demo', state: 'success' })).toBeUndefined();
    const note = await app.inject({ url: '/queues' });
    expect(note.statusCode).toBe(200);
    expect(note.body).toContain('local executor');
    expect(note.body).toMatch(/<td>warehouse<\/td><td>1<\/td>/);
  });
});

describe('job queues with the bullmq executor (real Redis)', () => {
  let env: WebTestEnv;
  let executor: BullmqExecutor | undefined;
  const prefix = `sluice-webtest-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    env = await openWebTestEnv({ tables: false, token: 'queue-token-123' });
    await seedDemo(env.store);
  });
  afterAll(async () => {
    await executor?.close(1000);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await env?.cleanup();
  });

  it('mounts bull-board at /queues and reports queue depths in /metrics', async () => {
    const config = compileConfig({
      env: { SLUICE_HOME: env.home, SLUICE_EXECUTOR: 'bullmq', SLUICE_QUEUE_PREFIX: prefix, REDIS_URL },
      cwd: ROOT,
      projectDir: ROOT,
      fileOverrides: {},
      flags: { web: { host: '127.0.0.1', port: 0, token: 'queue-token-123' } },
    });
    executor = new BullmqExecutor(bullmqSettingsFrom(config));
    await executor.start();
    // No worker listens: the try waits in the `warehouse` queue.
    await executor.dispatch({
      dispatchId: 'orders_demo__20260101T1100Z__load_staging__try1',
      runId: 'orders_demo__20260101T1100Z',
      dagId: 'orders_demo',
      taskId: 'load_staging',
      tryNumber: 1,
      pool: 'warehouse',
    });
    const app = await env.app({ config, executor: { kind: 'bullmq' } });
    const auth = { authorization: 'Bearer queue-token-123' };

    expect((await app.inject({ url: '/queues' })).statusCode).toBe(401);
    const board = await app.inject({ url: '/queues', headers: auth });
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('Sluice queues');
    const queues = await app.inject({
      url: '/queues/api/queues?activeQueue=warehouse&status=waiting&page=1',
      headers: auth,
    });
    expect(queues.statusCode).toBe(200);
    const listed = queues.json().queues as { name: string; counts: Record<string, number> }[];
    expect(listed.map((q) => q.name).sort()).toEqual(['default', 'warehouse']);
    expect(listed.find((q) => q.name === 'warehouse')!.counts.waiting).toBe(1);

    const text = (await app.inject({ url: '/metrics', headers: auth })).body;
    expect(metric(text, 'sluice_queue_jobs', { queue: 'warehouse', state: 'waiting' })).toBe(1);
    expect(metric(text, 'sluice_queue_jobs', { queue: 'default', state: 'waiting' })).toBe(0);

    // bull-board's own UI cannot send our CSRF token: a cookie session may act on it from the same origin only.
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=queue-token-123&next=%2Fqueues',
    });
    const cookies = { sluice_session: login.cookies.find((c) => c.name === 'sluice_session')!.value };
    const cross = await app.inject({
      method: 'PUT',
      url: '/queues/api/queues/warehouse/pause',
      cookies,
      headers: { origin: 'http://evil.example' },
    });
    expect(cross.statusCode).toBe(403);
    const same = await app.inject({
      method: 'PUT',
      url: '/queues/api/queues/warehouse/pause',
      cookies,
      headers: { origin: 'http://localhost', host: 'localhost' },
    });
    expect(same.statusCode).toBe(200);
    const queue = new Queue('warehouse', { connection: { url: REDIS_URL }, prefix });
    expect(await queue.isPaused()).toBe(true);
    await queue.close();
  });
});
