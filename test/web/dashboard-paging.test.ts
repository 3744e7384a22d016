/**
 * With 10,000 runs in the metadata DB, every list and grid page reads a bounded slice: each `listRuns` has a
 * small LIMIT, the rows read per page stay in the tens, and deep pages (a cursor far back in history) are as
 * cheap and as exact as the first. Timings are in bench/web-pages.bench.ts, not here.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingStore, type StoreCall } from './support/recording-store.ts';
import {
  openWebTestEnv,
  ordersSpec,
  seedDemo,
  seedManyRuns,
  type WebTestEnv,
} from './support/web-test-env.ts';

const RUNS = 10_000;
const FROM = new Date('2025-06-01T00:00:00Z');
const at = (i: number) => new Date(FROM.getTime() + i * 15 * 60_000);

describe(`pages over ${RUNS} runs`, () => {
  let env: WebTestEnv;
  let app: FastifyInstance;
  let rec: ReturnType<typeof recordingStore>;

  beforeAll(async () => {
    env = await openWebTestEnv({ tables: false });
    await seedDemo(env.store);
    await seedManyRuns(env.store, ordersSpec('bulk_dag'), RUNS, FROM);
    rec = recordingStore(env.store);
    app = await env.app({ store: rec.store, clock: { now: () => at(RUNS + 2) } });
  });
  afterAll(async () => env?.cleanup());

  /** Fetch a URL and return the store calls it made. */
  async function callsOf(url: string): Promise<{ status: number; body: string; calls: StoreCall[] }> {
    rec.reset();
    const r = await app.inject({ url });
    return { status: r.statusCode, body: r.body, calls: [...rec.calls] };
  }

  function expectBounded(calls: StoreCall[], maxRows: number) {
    for (const c of calls.filter((c) => c.method === 'listRuns')) {
      const limit = (c.args[0] as { limit?: number } | undefined)?.limit;
      expect(limit, 'listRuns without a LIMIT').toBeDefined();
      expect(limit!).toBeLessThanOrEqual(101 + 10);
    }
    const rows = calls.reduce((n, c) => n + (c.rows ?? 0), 0);
    expect(rows, JSON.stringify(calls.map((c) => [c.method, c.rows]))).toBeLessThanOrEqual(maxRows);
    expect(calls.length).toBeLessThanOrEqual(60);
  }

  it('lists DAGs from a few runs per DAG', async () => {
    for (const url of ['/ui/dags', '/api/dags']) {
      const { status, calls } = await callsOf(url);
      expect(status).toBe(200);
      expectBounded(calls, 80);
    }
    const body = (await app.inject({ url: '/api/dags' })).json();
    const bulk = body.dags.find((d: { dagId: string }) => d.dagId === 'bulk_dag');
    expect(bulk.recentRuns).toHaveLength(12);
    expect(bulk.lastRun.runId).toBe(`bulk_dag__${compact(at(RUNS - 1))}`);
  });

  it('shows the newest grid page and a page deep in history with 25 runs each', async () => {
    const first = await callsOf('/api/dags/bulk_dag/grid');
    expect(first.status).toBe(200);
    expectBounded(first.calls, 25 * 6 + 30);
    expect(first.calls.filter((c) => c.method === 'listTaskInstances')).toHaveLength(25);
    const newest = JSON.parse(first.body);
    expect(newest.runs.at(-1).runId).toBe(`bulk_dag__${compact(at(RUNS - 1))}`);

    const deep = await callsOf(`/api/dags/bulk_dag/grid?before=${encodeURIComponent(at(500).toISOString())}`);
    expectBounded(deep.calls, 25 * 6 + 30);
    const page = JSON.parse(deep.body);
    expect(page.runs.map((r: { intervalStart: string }) => r.intervalStart)).toEqual(
      Array.from({ length: 25 }, (_, i) => at(475 + i).toISOString()),
    );
    expect(page.runs.find((r: { runId: string }) => r.runId === `bulk_dag__${compact(at(480))}`).state).toBe(
      'failed',
    );

    const html = await callsOf(`/ui/dags/bulk_dag?before=${encodeURIComponent(at(5000).toISOString())}`);
    expect(html.status).toBe(200);
    expectBounded(html.calls, 25 * 6 + 30);
    expect(html.body).toContain(`bulk_dag__${compact(at(4999))}`);
  });

  it('pages the run list with a cursor, each page one bounded query', async () => {
    let url = '/api/runs?limit=100';
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      rec.reset();
      const r = await app.inject({ url });
      expectBounded(rec.calls, 100 + 20);
      seen.push(...r.json().map((run: { runId: string }) => run.runId));
      url = `/api/runs?limit=100&cursor=${encodeURIComponent(String(r.headers['x-next-cursor']))}`;
    }
    expect(new Set(seen).size).toBe(300);
    const deep = await callsOf(
      `/api/runs?dagId=bulk_dag&limit=50&cursor=${encodeURIComponent(`${at(100).toISOString()}~bulk_dag`)}`,
    );
    expectBounded(deep.calls, 60);
    expect(JSON.parse(deep.body).map((r: { intervalStart: string }) => r.intervalStart)).toEqual(
      Array.from({ length: 50 }, (_, i) => at(99 - i).toISOString()),
    );
  });

  it('keeps /metrics to the recent window and caches finished runs', async () => {
    const first = await callsOf('/metrics');
    expect(first.status).toBe(200);
    expect(first.body).toMatch(/sluice_dag_runs\{dag_id="bulk_dag",state="success"\} (8[0-9]|9[0-9])/);
    const runsRead = first.calls
      .filter((c) => c.method === 'listRuns')
      .reduce((n, c) => n + (c.rows ?? 0), 0);
    expect(runsRead).toBeLessThan(200);
  });
});

function compact(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}
