/**
 * (d) SIGKILL the scheduler mid-run (at a seeded point of a seeded task) and start a new one after a seeded
 * pause, and (e) run two schedulers at once against one Postgres and one Redis. Workers are not harmed, so
 * no try may be lost or repeated: every task of every run has exactly one try, each try did its work once,
 * runs are created once, and every invariant holds.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPrng } from '../../scripts/generate/index.ts';
import { waitUntil } from '../distributed/harness.ts';
import { BatchSeries } from './batch-series.ts';
import { type BatchExpectation, TASKS } from './invariants.ts';
import { DAG, runIdFor } from './order-batches.ts';
import { PipelineStack } from './pipeline-stack.ts';
import { scenarioSeed, Tally } from './tally.ts';

const SCENARIO = 'scheduler killed mid-run, and two schedulers at once';
const tally = new Tally(SCENARIO);
let stack: PipelineStack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
afterAll(() => tally.flush());

/** The job's own log line that marks that a try did its work (so a try run twice shows two). */
const WORK_LINE: Record<string, string> = {
  sense_files: 'claimed %',
  load_staging: 'loaded %',
  publish: 'published',
  archive_files: 'archived %',
};

/** Every task of the run has exactly one try, and that try did its work once. */
async function checkOneTryEach(s: PipelineStack, label: string, runId: string): Promise<void> {
  const tries = await s.meta<{ task_id: string; try_number: number }>(
    'select task_id, try_number from task_tries where run_id = $1 order by task_id, try_number',
    [runId],
  );
  tally.equal(
    `${label}: every task ran exactly one try`,
    tries.map((t) => `${t.task_id} ${t.try_number}`),
    [...TASKS].sort().map((t) => `${t} 1`),
  );
  const work = await s.meta<{ task_id: string; n: string }>(
    `select task_id, count(*) as n from task_logs where run_id = $1 and (
       (task_id = 'sense_files' and message like $2) or (task_id = 'load_staging' and message like $3) or
       (task_id = 'publish' and message = $4) or (task_id = 'archive_files' and message like $5))
     group by task_id order by task_id`,
    [runId, WORK_LINE.sense_files, WORK_LINE.load_staging, WORK_LINE.publish, WORK_LINE.archive_files],
  );
  tally.equal(
    `${label}: each try did its work once (one work log line each)`,
    work.map((w) => `${w.task_id} ${w.n}`),
    Object.keys(WORK_LINE)
      .sort()
      .map((t) => `${t} 1`),
  );
}

describe('faults: schedulers', () => {
  it('kills the scheduler mid-run 3 times and starts a new one: runs resume, nothing lost or repeated', async () => {
    const before = tally.violations().length;
    const seed = scenarioSeed(`${SCENARIO}/kill`);
    const rng = createPrng(seed);
    stack = await PipelineStack.open(seed);
    const s = stack;
    const series = new BatchSeries(() => s.world, seed, tally);
    await Promise.all([s.startWorker(), s.startWorker()]);
    let scheduler = await s.startScheduler();
    const first = await series.land();
    s.trigger(first.intervalStart);
    expect(await s.waitForRun(first.runId)).toBe('success');
    await series.observe(first.runId);
    await series.check('scheduler kill: first run', series.expect(first));

    const tasks = [...TASKS];
    for (let n = 0; n < 3; n++) {
      const task = tasks.splice(rng.int(0, tasks.length - 1), 1)[0]!;
      const fraction = rng.next();
      const downMs = rng.int(200, 3_000);
      const trial = `scheduler kill ${n + 1} (${task})`;
      const batch = await series.land();
      s.trigger(batch.intervalStart);
      const running = await s.waitForRunningTry(batch.runId, task);
      const delayMs = running.finished ? 0 : Math.round(fraction * series.duration(task));
      await new Promise((r) => setTimeout(r, delayMs));
      await s.kill(scheduler);
      tally.trial();
      await new Promise((r) => setTimeout(r, downMs));
      scheduler = await s.startScheduler();
      const state = await s.waitForRun(batch.runId);
      tally.note(
        `${trial}: killed ${delayMs} ms into ${task}${running.finished ? ' (seen finished)' : ''}, down ${downMs} ms; run ${state}`,
      );
      await checkOneTryEach(s, trial, batch.runId);
      await series.observe(batch.runId);
      await series.check(trial, series.expect(batch));
    }
    expect(tally.violations(before)).toEqual([]);
  });

  it('runs two schedulers at once: the scheduled run is created once, each try runs once, invariants hold', async () => {
    const before = tally.violations().length;
    const seed = scenarioSeed(`${SCENARIO}/two`);
    stack = await PipelineStack.open(seed);
    const s = stack;
    const series = new BatchSeries(() => s.world, seed, tally);
    await Promise.all([s.startWorker(), s.startWorker()]);
    await Promise.all([s.startScheduler(), s.startScheduler()]);

    // Both schedulers see the DAG unpaused and race to create its latest scheduled run; it takes batch 0.
    const scheduledBatch = await series.land();
    s.deployment.cli('dags', 'unpause', DAG);
    let scheduled: { run_id: string; interval_start: Date } | undefined;
    await waitUntil('the scheduled run', async () => {
      [scheduled] = await s.meta<{ run_id: string; interval_start: Date }>(
        `select run_id, interval_start from dag_runs where run_type = 'scheduled'`,
      );
      return scheduled !== undefined;
    });
    s.deployment.cli('dags', 'pause', DAG);
    tally.trial();
    const runs: BatchExpectation[] = [
      {
        ...series.expect(scheduledBatch),
        runId: scheduled!.run_id,
        intervalStart: new Date(scheduled!.interval_start),
      },
    ];
    tally.equal(
      "two schedulers: the scheduled run id is the interval's",
      scheduled!.run_id,
      runIdFor(new Date(scheduled!.interval_start)),
    );

    // Three triggered runs queue behind it (maxActiveRuns 1); each batch lands once the previous run claimed.
    let previous = scheduled!.run_id;
    for (let n = 0; n < 3; n++) {
      await waitUntil(
        `${previous} to claim its files`,
        async () => {
          const [t] = await s.meta<{ state: string }>(
            `select state from task_instances where run_id = $1 and task_id = 'sense_files'`,
            [previous],
          );
          return t?.state === 'success';
        },
        120_000,
      );
      const batch = await series.land();
      previous = s.trigger(batch.intervalStart);
      tally.trial();
      runs.push(series.expect(batch));
    }
    for (const run of runs) await s.waitForRun(run.runId);

    const all = await s.meta<{ run_id: string; run_type: string }>(
      'select run_id, run_type from dag_runs order by run_id',
    );
    tally.equal(
      'two schedulers: each run created once (one scheduled, three manual)',
      all.map((r) => `${r.run_id} ${r.run_type}`),
      runs.map((r, i) => `${r.runId} ${i === 0 ? 'scheduled' : 'manual'}`).sort(),
    );
    for (const run of runs) await checkOneTryEach(s, `two schedulers: ${run.runId}`, run.runId);
    await series.check('two schedulers', ...runs);
    tally.note(`two schedulers: 4 runs (1 scheduled, created by the race; 3 triggered), every task one try`);
    expect(tally.violations(before)).toEqual([]);
  });
});
