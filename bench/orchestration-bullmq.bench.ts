/**
 * Orchestration overhead on the distributed stack (BullMQ on Redis, metadata in Postgres):
 * - a 40-task chain of no-op tasks: total time and upstream-success -> downstream-start latency (p50, p95),
 *   run by a scheduler process and a worker process (`node src/cli/main.ts scheduler|worker`);
 * - 1,000 independent no-op tasks across 4 worker processes: tasks per second.
 * Baselines, measured in the same run: the same shapes on raw BullMQ with no Sluice on top (add -> worker
 * process -> completed event -> next add), i.e. the floor any BullMQ-based orchestrator stands on.
 *
 * This file is also its own worker process for the raw baseline: `node bench/orchestration-bullmq.bench.ts
 * raw-worker <prefix> <queue> <concurrency>`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Deployment, type SluiceProcess, waitUntil } from '../test/distributed/harness.ts';
import { type BenchFigure, type Benchmark, percentile } from './bench.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHAIN = 40;
const INDEPENDENT = 1000;
const WORKERS = 4;

const connection = () => ({ url: REDIS_URL, maxRetriesPerRequest: null });

/** Run by the raw baseline's worker processes: process no-op jobs until SIGTERM. */
async function rawWorker(prefix: string, queue: string, concurrency: number): Promise<void> {
  const worker = new Worker(queue, async () => ({ at: Date.now() }), {
    connection: connection(),
    prefix,
    concurrency,
  });
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void worker.close().then(() => process.exit(0));
  });
}

function spawnRawWorkers(
  prefix: string,
  queue: string,
  count: number,
  concurrency: number,
): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(
        process.execPath,
        [import.meta.filename, 'raw-worker', prefix, queue, String(concurrency)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      return new Promise<ChildProcess>((resolve, reject) => {
        child.stdout!.once('data', () => resolve(child));
        child.once('exit', (code) => reject(new Error(`raw worker exited with ${code}`)));
      });
    }),
  );
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

/** Raw BullMQ: 40 jobs one after another; hop = previous job finished -> next job processed (worker clock). */
async function rawChain(): Promise<{ totalMs: number; hopsMs: number[] }> {
  const prefix = `bench-raw-${randomUUID().slice(0, 8)}`;
  const workers = await spawnRawWorkers(prefix, 'chain', 1, 1);
  const queue = new Queue('chain', { connection: connection(), prefix });
  const events = new QueueEvents('chain', { connection: connection(), prefix, lastEventId: '0-0' });
  await events.waitUntilReady();
  try {
    const finished = new Map<string, () => void>();
    events.on('completed', ({ jobId }) => finished.get(jobId)?.());
    // Like the Sluice chain: a first chain warms the processes up, the second is measured.
    let started = 0;
    for (const prefix of ['warm', 'j']) {
      started = performance.now();
      for (let i = 0; i < CHAIN; i++) {
        const done = new Promise<void>((resolve) => finished.set(`${prefix}${i}`, resolve));
        await queue.add('noop', { i }, { jobId: `${prefix}${i}` });
        await done;
      }
    }
    const totalMs = performance.now() - started;
    const jobs = await Promise.all(Array.from({ length: CHAIN }, (_, i) => queue.getJob(`j${i}`)));
    const hopsMs = jobs.slice(1).map((job, i) => job!.processedOn! - jobs[i]!.finishedOn!);
    return { totalMs, hopsMs };
  } finally {
    await events.close();
    await queue.close();
    await stopAll(workers);
    await deletePrefix(prefix);
  }
}

/** Raw BullMQ: 1,000 jobs added at once, 4 worker processes; tasks per second until the last completes. */
async function rawIndependent(): Promise<number> {
  const prefix = `bench-raw-${randomUUID().slice(0, 8)}`;
  const workers = await spawnRawWorkers(prefix, 'many', WORKERS, 8);
  const queue = new Queue('many', { connection: connection(), prefix });
  const events = new QueueEvents('many', { connection: connection(), prefix, lastEventId: '0-0' });
  await events.waitUntilReady();
  try {
    let completed = 0;
    const allDone = new Promise<void>((resolve) => {
      events.on('completed', () => {
        if (++completed === INDEPENDENT) resolve();
      });
    });
    const started = performance.now();
    await queue.addBulk(
      Array.from({ length: INDEPENDENT }, (_, i) => ({
        name: 'noop',
        data: { i },
        opts: { jobId: `j${i}` },
      })),
    );
    await allDone;
    return INDEPENDENT / ((performance.now() - started) / 1000);
  } finally {
    await events.close();
    await queue.close();
    await stopAll(workers);
    await deletePrefix(prefix);
  }
}

interface TryTimes extends Record<string, unknown> {
  task_id: string;
  started_at: Date;
  ended_at: Date;
}

/** A deployment of Sluice (scheduler + `workers` worker processes) on the fixture DAG project. */
async function sluiceDeployment(workers: number, concurrency: number, defaultSlots: number) {
  const d = new Deployment({ SLUICE_LOG_LEVEL: 'warn' });
  await d.setUp();
  d.cli('init');
  d.cli('dags', 'pause', 'dist_scheduled');
  await d.query('update pools set slots = $1 where name = $2', [defaultSlots, 'default']);
  const procs: SluiceProcess[] = [];
  for (let i = 0; i < workers; i++)
    procs.push(
      d.start(`worker${i + 1}`, 'worker', '--queues', 'default', '--concurrency', String(concurrency)),
    );
  procs.push(d.start('scheduler', 'scheduler'));
  for (const p of procs) await d.waitForOutput(p, /ready on|sluice scheduler:/);
  return d;
}

/** Trigger `dag` (for the given interval start, else the current one) and wait for its run to succeed. */
async function runToSuccess(d: Deployment, dag: string, intervalStart?: string): Promise<string> {
  const at = intervalStart ? ['--interval-start', intervalStart] : [];
  const runId = (JSON.parse(d.cli('dags', 'trigger', dag, ...at, '--json')) as { runId: string }).runId;
  await waitUntil(
    `${runId} to succeed`,
    async () => {
      const [row] = await d.query<{ state: string }>('select state from dag_runs where run_id = $1', [runId]);
      if (row?.state === 'failed') throw new Error(`${runId} failed:\n${d.allOutput()}`);
      return row?.state === 'success';
    },
    120_000,
  );
  return runId;
}

/**
 * Sluice: the 40-task chain; total = first try started -> last try ended; hop = upstream end -> next start.
 * A first run warms the processes up (module imports, JIT, connection pools), as in orchestration-chain;
 * the second is measured.
 */
async function sluiceChain(): Promise<{ totalMs: number; hopsMs: number[] }> {
  const d = await sluiceDeployment(1, 1, 16);
  try {
    await runToSuccess(d, 'dist_chain40', '2026-01-01T00:00:00Z');
    const runId = await runToSuccess(d, 'dist_chain40', '2026-01-01T00:01:00Z');
    const tries = await d.query<TryTimes>(
      'select task_id, started_at, ended_at from task_tries where run_id = $1 order by task_id',
      [runId],
    );
    if (tries.length !== CHAIN) throw new Error(`expected ${CHAIN} tries, found ${tries.length}`);
    const hopsMs = tries.slice(1).map((t, i) => t.started_at.getTime() - tries[i]!.ended_at.getTime());
    return { totalMs: tries.at(-1)!.ended_at.getTime() - tries[0]!.started_at.getTime(), hopsMs };
  } finally {
    await d.cleanup();
  }
}

/** Sluice: 1,000 independent tasks on 4 worker processes; tasks/s from the first start to the last end. */
async function sluiceIndependent(): Promise<number> {
  const d = await sluiceDeployment(WORKERS, 8, 32);
  try {
    const runId = await runToSuccess(d, 'dist_wide1000');
    const [span] = await d.query<{ first: Date; last: Date; n: string }>(
      'select min(started_at) as first, max(ended_at) as last, count(*) as n from task_tries where run_id = $1',
      [runId],
    );
    if (Number(span!.n) !== INDEPENDENT) throw new Error(`expected ${INDEPENDENT} tries, found ${span!.n}`);
    return INDEPENDENT / ((span!.last.getTime() - span!.first.getTime()) / 1000);
  } finally {
    await d.cleanup();
  }
}

const benchmark: Benchmark = {
  name: 'orchestration-bullmq',
  description: `${CHAIN}-task no-op chain and ${INDEPENDENT} independent no-op tasks on BullMQ + Postgres, vs raw BullMQ`,
  async run({ runs, log }) {
    const raw = { total: [] as number[], p50: [] as number[], p95: [] as number[], rate: [] as number[] };
    const ours = { total: [] as number[], p50: [] as number[], p95: [] as number[], rate: [] as number[] };
    for (let r = 0; r < runs; r++) {
      const rawC = await rawChain();
      raw.total.push(rawC.totalMs);
      raw.p50.push(percentile(rawC.hopsMs, 50));
      raw.p95.push(percentile(rawC.hopsMs, 95));
      raw.rate.push(await rawIndependent());
      const chain = await sluiceChain();
      ours.total.push(chain.totalMs);
      ours.p50.push(percentile(chain.hopsMs, 50));
      ours.p95.push(percentile(chain.hopsMs, 95));
      ours.rate.push(await sluiceIndependent());
      log(
        `run ${r + 1}: chain ${chain.totalMs.toFixed(0)} ms (raw ${rawC.totalMs.toFixed(0)}), hop p50/p95 ` +
          `${ours.p50.at(-1)}/${ours.p95.at(-1)} ms (raw ${raw.p50.at(-1)}/${raw.p95.at(-1)}), ` +
          `${ours.rate.at(-1)!.toFixed(0)} tasks/s (raw ${raw.rate.at(-1)!.toFixed(0)} jobs/s)`,
      );
    }
    const figures: BenchFigure[] = [
      {
        name: `${CHAIN}-task chain, total`,
        unit: 'ms',
        samples: ours.total,
        baseline: { name: 'raw BullMQ', samples: raw.total },
        target: { op: '<', value: 2000 },
        note: 'second chain of a deployment (the first warms it up), for Sluice and raw BullMQ alike',
      },
      {
        name: 'chain hop p50 (upstream end -> next start)',
        unit: 'ms',
        samples: ours.p50,
        baseline: { name: 'raw BullMQ', samples: raw.p50 },
      },
      {
        name: 'chain hop p95',
        unit: 'ms',
        samples: ours.p95,
        baseline: { name: 'raw BullMQ', samples: raw.p95 },
        target: { op: '<', value: 25 },
      },
      {
        name: `${INDEPENDENT} independent tasks, ${WORKERS} workers`,
        unit: 'tasks/s',
        samples: ours.rate,
        lowerIsBetter: false,
        baseline: { name: 'raw BullMQ', samples: raw.rate },
        note: `${WORKERS} worker processes x 8, default pool 32 slots`,
      },
    ];
    return figures;
  },
};

export default benchmark;

if (import.meta.main && process.argv[2] === 'raw-worker') {
  await rawWorker(process.argv[3]!, process.argv[4]!, Number(process.argv[5] ?? 1));
}
