/**
 * (a) SIGKILL a worker at random points of every task of the incremental DAG. One deployment (a scheduler
 * and two workers on Redis + Postgres, DuckDB and the local bucket), one batch per trial: land the batch,
 * trigger its run, wait until the chosen task runs, wait a seeded fraction of that task's recent duration,
 * SIGKILL the worker running it and start a replacement. The scheduler must declare the lost try a zombie
 * and retry it; after every trial all invariants hold over the whole history (invariants.ts). Choices (task
 * order, kill points, data) come from FAULTS_SEED, so a run repeats exactly; where a kill lands inside a task
 * still depends on timing, and every trial reports where it landed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPrng } from '../../scripts/generate/index.ts';
import { BatchSeries } from './batch-series.ts';
import { TASKS } from './invariants.ts';
import { PipelineStack } from './pipeline-stack.ts';
import { scenarioSeed, Tally } from './tally.ts';

const SCENARIO = 'worker SIGKILL at random points of each task';
const KILLS_PER_TASK = Number(process.env.FAULTS_KILLS_PER_TASK ?? 4);

const tally = new Tally(SCENARIO);
let stack: PipelineStack | undefined;

afterAll(async () => {
  tally.flush();
  await stack?.close();
});

interface TryRow extends Record<string, unknown> {
  task_id: string;
  try_number: number;
  state: string;
  error_code: string | null;
}

describe('faults: worker SIGKILL', () => {
  it(`kills the worker ${KILLS_PER_TASK} times in each of the ${TASKS.length} tasks: every line once, aggregates exact, files in one place`, async () => {
    const seed = scenarioSeed(SCENARIO);
    const rng = createPrng(seed);
    stack = await PipelineStack.open(seed);
    const s = stack;
    const series = new BatchSeries(() => s.world, seed, tally);
    await Promise.all([s.startWorker(), s.startWorker()]);
    await s.startScheduler();

    // Calibration: one batch without a fault gives each task's duration on this machine, now.
    const first = await series.land();
    s.trigger(first.intervalStart);
    expect(await s.waitForRun(first.runId)).toBe('success');
    await series.observe(first.runId);
    await series.check('calibration', series.expect(first));
    tally.note(`calibration run: ${TASKS.map((t) => `${t} ${series.duration(t)} ms`).join(', ')}`);

    // Every task KILLS_PER_TASK times, in a seeded order, each at a seeded point of its duration.
    const plan = TASKS.flatMap((task) => Array.from({ length: KILLS_PER_TASK }, () => task));
    for (let i = plan.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
    const hits = new Map<string, number>();
    for (const [n, task] of plan.entries()) {
      const trial = `trial ${n + 1}`;
      const fraction = rng.next();
      const batch = await series.land();
      s.trigger(batch.intervalStart);
      const victim = await s.waitForRunningTry(batch.runId, task);
      const expected = series.duration(task);
      const delayMs = victim.finished ? 0 : Math.round(fraction * expected);
      await new Promise((r) => setTimeout(r, delayMs));
      const proc = s.process(victim.pid);
      expect(proc, `the worker running ${task} (pid ${victim.pid})`).toBeDefined();
      await s.kill(proc!);
      tally.trial();
      const replacement = s.startWorker({ wait: false });
      const state = await s.waitForRun(batch.runId);
      await replacement;

      // Where did the kill land? In the victim try (it ends as a zombie), or after it (in the next task the
      // worker took, or while it was idle). Either way one lost try at most, retried as the next number.
      const tries = await s.meta<TryRow>(
        'select task_id, try_number, state, error_code from task_tries where run_id = $1 order by task_id, try_number',
        [batch.runId],
      );
      const zombies = tries.filter((t) => t.error_code === 'E_ZOMBIE');
      const killed = tries.find((t) => t.task_id === task && t.try_number === victim.tryNumber);
      tally.check(`${trial}: at most one try lost to the kill`, zombies.length <= 1, () =>
        JSON.stringify(zombies),
      );
      tally.check(
        `${trial}: the killed ${task} try was declared lost (E_ZOMBIE) or had finished before the kill`,
        killed?.error_code === 'E_ZOMBIE' || killed?.state === 'success',
        () => JSON.stringify(killed),
      );
      for (const z of zombies) {
        const retry = tries.find((t) => t.task_id === z.task_id && t.try_number === z.try_number + 1);
        tally.equal(`${trial}: the lost ${z.task_id} try was retried and succeeded`, retry?.state, 'success');
      }
      if (killed?.error_code === 'E_ZOMBIE') hits.set(task, (hits.get(task) ?? 0) + 1);
      const where = zombies[0]
        ? `${zombies[0].task_id} try ${zombies[0].try_number}`
        : 'no try (worker idle)';
      const when = victim.finished
        ? 'after it ended (seen finished)'
        : `+${delayMs} ms (${Math.round(fraction * 100)}% of ${expected} ms)`;
      tally.note(`${trial}: kill in ${task} ${when} -> lost ${where}; run ${state}`);
      await series.observe(batch.runId);
      await series.check(`${trial} (${task})`, series.expect(batch));
    }
    // Nothing a later fault did changed an earlier batch: every run's accounting, once more, at the end.
    await series.checkAll('after all trials');
    tally.note(
      `kills that landed inside the chosen task: ${TASKS.map((t) => `${t} ${hits.get(t) ?? 0}/${KILLS_PER_TASK}`).join(', ')}`,
    );
    expect(tally.violations()).toEqual([]);
  });
});
