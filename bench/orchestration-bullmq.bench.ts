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
    const started = performance.now();
    for (let i = 0; i < CHAIN; i++) {
      const done = new Promise<void>((resolve) => finished.set(`j${i}`, resolve));
      await queue.add('noop', { i }, { jobId: `j${i}` });
      await done;
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

const benchmark: Benchmark = {
  name: 'orchestration-bullmq',
  description: `${CHAIN}-task no-op chain and ${INDEPENDENT} independent no-op tasks on BullMQ + Postgres, vs raw BullMQ`,
  async run({ runs, log }) {
    const raw = { total: [] as number[], p50: [] as number[], p95: [] as number[], rate: [] as number[] };
    for (let r = 0; r < runs; r++) {
      const chain = await rawChain();
      raw.total.push(chain.totalMs);
      raw.p50.push(percentile(chain.hopsMs, 50));
      raw.p95.push(percentile(chain.hopsMs, 95));
      raw.rate.push(await rawIndependent());
      log(
        `raw BullMQ run ${r + 1}: chain ${chain.totalMs.toFixed(0)} ms, hop p95 ${raw.p95.at(-1)} ms, ${raw.rate.at(-1)!.toFixed(0)} jobs/s`,
      );
    }
    const figures: BenchFigure[] = [
      { name: `raw BullMQ: ${CHAIN}-job chain`, unit: 'ms', samples: raw.total },
      { name: 'raw BullMQ: hop p50', unit: 'ms', samples: raw.p50 },
      { name: 'raw BullMQ: hop p95', unit: 'ms', samples: raw.p95 },
      {
        name: `raw BullMQ: ${INDEPENDENT} jobs, ${WORKERS} workers`,
        unit: 'jobs/s',
        samples: raw.rate,
        lowerIsBetter: false,
      },
    ];
    return figures;
  },
};

export default benchmark;

if (import.meta.main && process.argv[2] === 'raw-worker') {
  await rawWorker(process.argv[3]!, process.argv[4]!, Number(process.argv[5] ?? 1));
}
