/**
 * Orchestration overhead on the embedded stack (local executor, PGlite metadata, one process): a 40-task
 * sequential chain of no-op jobs. Figures: total time of the chain (trigger -> run success) and the hop
 * latency from an upstream try's end (its outcome committed) to the downstream try's start (claimed by a
 * worker), p50 and p95. Measured in-process with performance.now() around the store's compare-and-set calls.
 * Airflow's published figure for the same chain is about 116 s (about 2.9 s per task; Windmill benchmark).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMetadataStoreAt } from '../src/adapters/metadata/open-metadata-store.ts';
import { tryResources } from '../src/cli/compose.ts';
import { compileConfig } from '../src/config/config.ts';
import type { Logger } from '../src/ports/logger.ts';
import { loadDags } from '../src/runtime/dag-loader.ts';
import { createJobLoader } from '../src/runtime/job-loader.ts';
import { createLocalEngine } from '../src/runtime/local-engine.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { triggerRun } from '../src/runtime/trigger-run.ts';
import { freshPgliteDir } from '../test/metadata/test-stores.ts';
import { type BenchFigure, type Benchmark, percentile } from './bench.ts';

const PROJECT = join(import.meta.dirname, '../test/fixtures/dags-bench');
const TASKS = 40;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

interface ChainSample {
  readonly totalMs: number;
  readonly hopsMs: number[];
}

async function chainOnce(): Promise<ChainSample[]> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-bench-chain-'));
  const meta = join(home, 'meta');
  await freshPgliteDir(meta);
  const config = compileConfig({
    env: { SLUICE_HOME: home },
    cwd: home,
    projectDir: PROJECT,
    fileOverrides: {},
    flags: {},
  });
  const store = await openMetadataStoreAt({ pgliteDir: meta });
  const resources = tryResources(config);
  const dags = await loadDags(PROJECT);
  if (dags.errors.length) throw new Error(dags.errors.join('\n'));

  // Instrument the two compare-and-sets that bound a hop.
  const started = new Map<string, number>();
  const ended = new Map<string, number>();
  const startTry = store.startTry.bind(store);
  const finishTry = store.finishTry.bind(store);
  store.startTry = async (key, worker, now) => {
    const r = await startTry(key, worker, now);
    if (r) started.set(`${key.runId}/${key.taskId}`, performance.now());
    return r;
  };
  store.finishTry = async (key, outcome, now) => {
    const r = await finishTry(key, outcome, now);
    if (r) ended.set(`${key.runId}/${key.taskId}`, performance.now());
    return r;
  };

  let resolveRun: ((runId: string) => void) | undefined;
  const engine = createLocalEngine({
    store,
    dags,
    jobs: createJobLoader(PROJECT),
    clock: systemClock,
    logger: quiet,
    resources,
    concurrency: 4,
    events: { runFinished: (run) => resolveRun?.(run.runId) },
  });
  await engine.start();
  const samples: ChainSample[] = [];
  try {
    // Run 0 warms up (module imports, query plans); runs 1..3 are measured.
    for (let i = 0; i < 4; i++) {
      const finished = new Promise<string>((resolve) => {
        resolveRun = resolve;
      });
      const t0 = performance.now();
      const run = await triggerRun(store, dags, {
        dagId: 'chain40',
        now: systemClock.now(),
        intervalStart: new Date(Date.UTC(2026, 0, 1, 0, i)),
      });
      engine.scheduler.notify();
      await finished;
      const totalMs = performance.now() - t0;
      const state = (await store.getRun(run.runId))?.state;
      if (state !== 'success') throw new Error(`chain run ${run.runId} ended ${state}`);
      const hopsMs: number[] = [];
      for (let t = 2; t <= TASKS; t++) {
        const up = ended.get(`${run.runId}/t${String(t - 1).padStart(2, '0')}`)!;
        const down = started.get(`${run.runId}/t${String(t).padStart(2, '0')}`)!;
        hopsMs.push(down - up);
      }
      if (i > 0) samples.push({ totalMs, hopsMs });
    }
  } finally {
    await engine.stop(5_000);
    await resources.close();
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }
  return samples;
}

const benchmark: Benchmark = {
  name: 'orchestration-chain',
  description: '40-task sequential chain of no-op jobs, local executor + PGlite, one process',
  async run({ runs, log }) {
    const samples: ChainSample[] = [];
    for (let r = 0; r < Math.max(1, Math.ceil(runs / 3)); r++) samples.push(...(await chainOnce()));
    for (const [i, s] of samples.entries())
      log(
        `chain ${i + 1}: total ${s.totalMs.toFixed(0)} ms, hop p50 ${percentile(s.hopsMs, 50).toFixed(2)} ms, ` +
          `p95 ${percentile(s.hopsMs, 95).toFixed(2)} ms, max ${Math.max(...s.hopsMs).toFixed(2)} ms`,
      );
    const allHops = samples.flatMap((s) => s.hopsMs);
    log(
      `all ${allHops.length} hops: p50 ${percentile(allHops, 50).toFixed(2)} ms, p95 ${percentile(allHops, 95).toFixed(2)} ms`,
    );
    const figures: BenchFigure[] = [
      {
        name: 'chain of 40 no-op tasks, total',
        unit: 'ms',
        samples: samples.map((s) => s.totalMs),
        target: { op: '<', value: 1000 },
        note: 'Airflow: about 116,000 ms for the same chain (published Windmill benchmark)',
      },
      {
        name: 'hop upstream end -> downstream start, p50',
        unit: 'ms',
        samples: samples.map((s) => percentile(s.hopsMs, 50)),
      },
      {
        name: 'hop upstream end -> downstream start, p95',
        unit: 'ms',
        samples: samples.map((s) => percentile(s.hopsMs, 95)),
        target: { op: '<', value: 25 },
      },
    ];
    return figures;
  },
};

export default benchmark;
