/**
 * (b) Restart Redis mid-run and (c) restart PostgreSQL mid-run, each at a seeded point of a seeded task, on
 * the distributed deployment (scheduler + two workers). Redis is restarted without saving, so every queued
 * job and lock is lost; PostgreSQL's restart cuts every connection of the scheduler and the workers. The run
 * must still end, say what happened, and leave every invariant true. Whatever happens, both services are
 * running again after each test (finally, afterEach, and the global teardown).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPrng } from '../../scripts/generate/index.ts';
import { BatchSeries } from './batch-series.ts';
import { TASKS } from './invariants.ts';
import { PipelineStack, ProcessCrashedError } from './pipeline-stack.ts';
import { ensurePostgresRunning, ensureRedisRunning, restartPostgres, restartRedis } from './services.ts';
import { scenarioSeed, Tally } from './tally.ts';

const SCENARIO = 'Redis and PostgreSQL restarts mid-run';

const tally = new Tally(SCENARIO);
const unsupervised = new Tally('PostgreSQL restart without a supervisor');
let stack: PipelineStack | undefined;

afterEach(async () => {
  await ensureRedisRunning();
  await ensurePostgresRunning();
  await stack?.close();
  stack = undefined;
});
afterAll(() => {
  tally.flush();
  unsupervised.flush();
});

interface TryRow extends Record<string, unknown> {
  task_id: string;
  try_number: number;
  state: string;
  error_code: string | null;
}

interface RestartOptions {
  readonly service: 'redis' | 'postgres';
  readonly trials: number;
  /** Start crashed processes again (as docker-compose's `restart: unless-stopped` does). */
  readonly supervise: boolean;
  readonly tally: Tally;
  /** The seed's name (so that each test reproduces alone). */
  readonly name: string;
}

/** Run `trials` batches, restarting the service at a seeded point of a seeded task of each. */
async function restartTrials(o: RestartOptions): Promise<void> {
  const seed = scenarioSeed(`${SCENARIO}/${o.name}`);
  const rng = createPrng(seed);
  stack = await PipelineStack.open(seed);
  const s = stack;
  const series = new BatchSeries(() => s.world, seed, o.tally);
  await Promise.all([s.startWorker(), s.startWorker()]);
  await s.startScheduler();
  const first = await series.land();
  s.trigger(first.intervalStart);
  expect(await s.waitForRun(first.runId)).toBe('success');
  await series.observe(first.runId);
  await series.check(`${o.name}: first run`, series.expect(first));

  const tasks = [...TASKS];
  for (let n = 0; n < o.trials; n++) {
    const task = tasks.splice(rng.int(0, tasks.length - 1), 1)[0]!;
    const fraction = rng.next();
    const trial = `${o.name} ${n + 1} (${task})`;
    const batch = await series.land();
    s.trigger(batch.intervalStart);
    const running = await s.waitForRunningTry(batch.runId, task);
    const delayMs = running.finished ? 0 : Math.round(fraction * series.duration(task));
    await new Promise((r) => setTimeout(r, delayMs));
    try {
      if (o.service === 'redis') await restartRedis(1_000);
      else await restartPostgres();
    } finally {
      await ensureRedisRunning();
      await ensurePostgresRunning();
    }
    o.tally.trial();
    let state: string;
    try {
      state = await s.waitForRun(batch.runId, { timeoutMs: 180_000, supervise: o.supervise });
    } catch (error) {
      if (error instanceof ProcessCrashedError)
        o.tally.equal(`${trial}: the scheduler and the workers survive the restart`, error.processes, []);
      throw error;
    }
    const tries = await s.meta<TryRow>(
      'select task_id, try_number, state, error_code from task_tries where run_id = $1 order by task_id, try_number',
      [batch.runId],
    );
    const retried = tries.filter((t) => t.try_number > 1).map((t) => `${t.task_id} try ${t.try_number}`);
    o.tally.note(
      `${trial}: restarted ${delayMs} ms into ${task}${running.finished ? ' (seen finished)' : ''}; run ${state}` +
        `${retried.length ? `; retried ${retried.join(', ')}` : '; no try retried'}` +
        `${s.restarted.length ? `; supervisor restarted ${s.restarted.splice(0).join(', ')}` : ''}`,
    );
    await series.observe(batch.runId);
    await series.check(trial, series.expect(batch));
  }
}

describe('faults: service restarts', () => {
  it('restarts Redis mid-run (every queued job lost): processes reconnect, runs complete, invariants hold', async () => {
    const before = tally.violations().length;
    await restartTrials({ service: 'redis', trials: 2, supervise: false, tally, name: 'Redis restart' });
    expect(tally.violations(before)).toEqual([]);
  });

  // Was a bug: every sluice process died on the pg pool's unhandled 'error' event when PostgreSQL restarted.
  it('restarts PostgreSQL mid-run: the scheduler and the workers survive it without a supervisor', async () => {
    await restartTrials({
      service: 'postgres',
      trials: 1,
      supervise: false,
      tally: unsupervised,
      name: 'PostgreSQL restart, unsupervised',
    });
    expect(unsupervised.violations()).toEqual([]);
  });

  it('restarts PostgreSQL mid-run with a supervisor restarting what crashed: runs complete, invariants hold', async () => {
    const before = tally.violations().length;
    await restartTrials({
      service: 'postgres',
      trials: 2,
      supervise: true,
      tally,
      name: 'PostgreSQL restart, supervised',
    });
    expect(tally.violations(before)).toEqual([]);
  });
});
