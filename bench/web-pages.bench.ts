/**
 * Dashboard pages over a metadata DB holding 10,000 runs of one DAG (PGlite, embedded default, plus the two
 * demo DAGs): the time to answer each page and API call in-process (fastify inject, no network), newest page
 * and a page deep in history. Every page reads a bounded slice (test/web/dashboard-paging.test.ts checks the
 * LIMITs); this measures what that costs. The warehouse-backed pages are measured on the demo warehouse rows.
 */
import type { FastifyInstance } from 'fastify';
import {
  openWebTestEnv,
  ordersSpec,
  seedDemo,
  seedManyRuns,
  seedWarehouse,
  type WebTestEnv,
} from '../test/web/support/web-test-env.ts';
import { type BenchFigure, type Benchmark, median } from './bench.ts';

const RUNS = 10_000;
const FROM = new Date('2025-06-01T00:00:00Z');
const at = (i: number) => new Date(FROM.getTime() + i * 15 * 60_000);
const SAMPLES = 15;

async function time(app: FastifyInstance, url: string): Promise<number> {
  const started = performance.now();
  const r = await app.inject({ url });
  const ms = performance.now() - started;
  if (r.statusCode !== 200) throw new Error(`${url} answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
  return ms;
}

const benchmark: Benchmark = {
  name: 'web-pages',
  description: `dashboard pages and API calls with ${RUNS.toLocaleString('en')} runs in the metadata DB (PGlite)`,
  async run({ runs, log }) {
    let env: WebTestEnv | undefined;
    try {
      env = await openWebTestEnv();
      await seedDemo(env.store);
      await seedWarehouse(() => env!.openWarehouse());
      const seeded = performance.now();
      await seedManyRuns(env.store, ordersSpec('bulk_dag'), RUNS, FROM);
      log(`seeded ${RUNS} runs x 6 task instances in ${Math.round(performance.now() - seeded)} ms`);
      const app = await env.app({ clock: { now: () => at(RUNS + 2) } });
      const deep = encodeURIComponent(at(2000).toISOString());
      const pages: [string, string, number | undefined][] = [
        ['DAG list page', '/ui/dags', 250],
        ['grid page, newest 25 runs', '/ui/dags/bulk_dag', 250],
        ['grid page, 25 runs deep in history', `/ui/dags/bulk_dag?before=${deep}`, 250],
        ['task page (tries, logs)', `/ui/runs/bulk_dag__${compact(at(1234))}/tasks/run_checks`, 250],
        ['GET /api/dags', '/api/dags', undefined],
        ['GET /api/runs?limit=50', '/api/runs?limit=50', undefined],
        [
          'GET /api/runs, deep cursor',
          `/api/runs?limit=50&cursor=${encodeURIComponent(`${at(3000).toISOString()}~bulk_dag`)}`,
          undefined,
        ],
        ['GET /api/dags/bulk_dag/grid', '/api/dags/bulk_dag/grid', undefined],
        ['quality page (warehouse)', '/ui/quality', undefined],
        ['metrics page (warehouse)', '/ui/metrics', undefined],
      ];
      const figures: BenchFigure[] = [];
      for (const [name, url, target] of pages) {
        await time(app, url); // warm-up: template compile, first statements
        const samples: number[] = [];
        for (let i = 0; i < Math.max(runs, 1) * SAMPLES; i++) samples.push(await time(app, url));
        log(`${name}: median ${median(samples).toFixed(1)} ms`);
        figures.push({
          name,
          unit: 'ms',
          samples,
          ...(target ? { target: { op: '<' as const, value: target } } : {}),
        });
      }
      // /metrics refreshes at most every 5 s of the injected clock: the first scrape reads the window, the
      // next ones are served from the cache until then.
      const first = await time(app, '/metrics');
      figures.push({ name: '/metrics, first scrape (96 recent runs)', unit: 'ms', samples: [first] });
      return figures;
    } finally {
      await env?.cleanup();
    }
  },
};

function compact(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

export default benchmark;
