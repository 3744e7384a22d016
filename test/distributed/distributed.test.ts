/**
 * The distributed deployment, for real: `sluice scheduler` and `sluice worker` processes spawned by the
 * test, BullMQ on the machine's Redis, metadata in a Postgres database of the test's own, the fixture DAG
 * project (test/fixtures/dags-distributed). Jobs record every start and every effect in $SLUICE_HOME, so the
 * tests can count effects per (run, task) across processes.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Deployment, ensureRedisRunning, restartRedis, type SluiceProcess, waitUntil } from './harness.ts';

interface RunRow extends Record<string, unknown> {
  run_id: string;
  dag_id: string;
  state: string;
  run_type: string;
}
interface TryRow extends Record<string, unknown> {
  run_id: string;
  task_id: string;
  try_number: number;
  state: string;
  worker_id: string | null;
  error_code: string | null;
  started_at: Date;
  ended_at: Date | null;
}

let deployment: Deployment | undefined;

afterEach(async () => {
  await deployment?.cleanup();
  deployment = undefined;
});
afterAll(async () => {
  // Whatever happened in a test, leave the machine's Redis running for everyone else.
  await ensureRedisRunning();
});

async function deploy(options: { pause?: string[] } = {}): Promise<Deployment> {
  deployment = new Deployment();
  await deployment.setUp();
  deployment.cli('init');
  for (const dag of options.pause ?? []) deployment.cli('dags', 'pause', dag);
  return deployment;
}

async function startWorkers(d: Deployment, count: number, concurrency: number): Promise<SluiceProcess[]> {
  const workers = Array.from({ length: count }, (_, i) =>
    d.start(
      `worker${i + 1}`,
      'worker',
      '--queues',
      'default,warehouse',
      '--concurrency',
      String(concurrency),
    ),
  );
  await Promise.all(workers.map((w) => d.waitForOutput(w, /ready on default, warehouse/)));
  return workers;
}

async function startScheduler(d: Deployment, name = 'scheduler'): Promise<SluiceProcess> {
  const scheduler = d.start(name, 'scheduler');
  await d.waitForOutput(scheduler, /sluice scheduler: .*executor bullmq/);
  return scheduler;
}

function trigger(d: Deployment, dag: string): string {
  return (JSON.parse(d.cli('dags', 'trigger', dag, '--json')) as { runId: string }).runId;
}

async function runs(d: Deployment): Promise<RunRow[]> {
  return d.query<RunRow>('select run_id, dag_id, state, run_type from dag_runs order by run_id');
}

async function waitForRuns(d: Deployment, runIds: string[] | (() => Promise<string[]>), timeoutMs = 30_000) {
  try {
    await waitUntil(
      'the runs to finish',
      async () => {
        const ids = Array.isArray(runIds) ? runIds : await runIds();
        const rows = (await runs(d)).filter((r) => ids.includes(r.run_id));
        return (
          ids.length > 0 &&
          rows.length === ids.length &&
          rows.every((r) => r.state === 'success' || r.state === 'failed')
        );
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nruns: ${JSON.stringify(await runs(d))}\n${d.allOutput()}`);
  }
}

async function tries(d: Deployment, runId: string): Promise<TryRow[]> {
  return d.query<TryRow>(
    `select run_id, task_id, try_number, state, worker_id, error_code, started_at, ended_at
       from task_tries where run_id = $1 order by task_id, try_number`,
    [runId],
  );
}

/** (run, task) -> how many effect lines, for the given runs. */
function effectCounts(d: Deployment, runIds: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of d.lines('effects.log').filter((l) => runIds.includes(l.runId))) {
    const key = `${e.runId} ${e.taskId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function expectEachTaskOnce(d: Deployment, runIds: string[], tasksPerRun: Record<string, string[]>) {
  const counts = effectCounts(d, runIds);
  const expected = new Map<string, number>();
  for (const runId of runIds) {
    const dag = runId.slice(0, runId.lastIndexOf('__'));
    for (const task of tasksPerRun[dag]!) expected.set(`${runId} ${task}`, 1);
  }
  expect(Object.fromEntries([...counts].sort())).toEqual(Object.fromEntries([...expected].sort()));
}

const FANOUT_TASKS = [
  'start',
  'work_1',
  'work_2',
  'work_3',
  'work_4',
  'work_5',
  'work_6',
  'warehouse_1',
  'warehouse_2',
  'finish',
];
const SCHEDULED_TASKS = ['a', 'b', 'c', 'd'];
const LONG_TASKS = ['first', 'mid_1', 'mid_2', 'mid_3', 'mid_4', 'mid_5', 'mid_6', 'last'];

describe('distributed: scheduler + BullMQ workers + Postgres', () => {
  it('runs scheduled and manual DAGs across 3 workers: every task once, warehouse tasks one at a time', async () => {
    const d = await deploy();
    await startWorkers(d, 3, 2);
    await startScheduler(d);
    const manual = trigger(d, 'dist_fanout');
    const all = async () => (await runs(d)).map((r) => r.run_id);
    await waitUntil('four scheduled runs and the manual one', async () => (await all()).length === 5);
    await waitForRuns(d, all);

    const rows = await runs(d);
    expect(rows.map((r) => [r.run_id, r.state])).toEqual([
      [manual, 'success'],
      ['dist_scheduled__20260101T0000Z', 'success'],
      ['dist_scheduled__20260101T0015Z', 'success'],
      ['dist_scheduled__20260101T0030Z', 'success'],
      ['dist_scheduled__20260101T0045Z', 'success'],
    ]);
    const runIds = rows.map((r) => r.run_id);
    expectEachTaskOnce(d, runIds, { dist_fanout: FANOUT_TASKS, dist_scheduled: SCHEDULED_TASKS });
    // Nothing ran a second try, and the work was spread over more than one worker process.
    expect(d.lines('started.log').every((l) => l.tryNumber === 1)).toBe(true);
    expect(new Set(d.lines('effects.log').map((l) => l.pid)).size).toBeGreaterThan(1);
    // The 1-slot warehouse pool held across processes: its two tries never overlapped.
    const warehouse = (await tries(d, manual)).filter((t) => t.task_id.startsWith('warehouse_'));
    expect(warehouse).toHaveLength(2);
    const [w1, w2] = warehouse.sort((a, b) => a.started_at.getTime() - b.started_at.getTime());
    expect(w2!.started_at.getTime()).toBeGreaterThanOrEqual(w1!.ended_at!.getTime());
  });

  it('retries the try of a SIGKILLed worker on another worker, as a new try, with its effect once', async () => {
    const d = await deploy({ pause: ['dist_scheduled'] });
    const workers = await startWorkers(d, 3, 1);
    await startScheduler(d);
    const runId = trigger(d, 'dist_victim');
    await waitUntil('the victim to start', () => d.lines('started.log').some((l) => l.taskId === 'victim'));
    const victim = d.lines('started.log').find((l) => l.taskId === 'victim')!;
    const killed = workers.find((w) => w.child.pid === victim.pid)!;
    expect(killed).toBeDefined();
    killed.child.kill('SIGKILL');
    await killed.exited;

    await waitForRuns(d, [runId]);
    expect((await runs(d)).find((r) => r.run_id === runId)?.state).toBe('success');
    expectEachTaskOnce(d, [runId], { dist_victim: ['before', 'victim', 'after'] });
    const effect = d.lines('effects.log').find((l) => l.taskId === 'victim')!;
    expect(effect.tryNumber).toBe(2);
    expect(effect.pid).not.toBe(victim.pid);
    const victimTries = (await tries(d, runId)).filter((t) => t.task_id === 'victim');
    expect(victimTries.map((t) => [t.try_number, t.state, t.error_code])).toEqual([
      [1, 'up_for_retry', 'E_ZOMBIE'],
      [2, 'success', null],
    ]);
  });

  it('hands a running try back on SIGTERM after the shutdown timeout; another worker runs it', async () => {
    const d = await deploy({ pause: ['dist_scheduled'] });
    const stopping = d.start('stopping', 'worker', '--concurrency', '1', '--shutdown-timeout', '300ms');
    await d.waitForOutput(stopping, /ready on/);
    await startScheduler(d);
    const runId = trigger(d, 'dist_victim');
    // `before` may run on the only worker; then `victim` does too.
    await waitUntil('the victim to start', () => d.lines('started.log').some((l) => l.taskId === 'victim'));
    const [other] = await startWorkers(d, 1, 1);
    stopping.child.kill('SIGTERM');
    expect(await stopping.exited).toBe(0);
    expect(stopping.output()).toMatch(/SIGTERM; no new tries, 1 running may finish within 300 ms/);

    await waitForRuns(d, [runId]);
    expect((await runs(d)).find((r) => r.run_id === runId)?.state).toBe('success');
    const victimTries = (await tries(d, runId)).filter((t) => t.task_id === 'victim');
    expect(victimTries.map((t) => [t.try_number, t.state, t.error_code])).toEqual([
      [1, 'up_for_retry', 'E_WORKER_SHUTDOWN'],
      [2, 'success', null],
    ]);
    expectEachTaskOnce(d, [runId], { dist_victim: ['before', 'victim', 'after'] });
    expect(d.lines('effects.log').find((l) => l.taskId === 'victim')?.pid).toBe(other!.child.pid);
    // A hand-back is not a failure: the task's retry budget is untouched.
    const [instance] = await d.query<{ failures: number }>(
      `select failures from task_instances where run_id = $1 and task_id = 'victim'`,
      [runId],
    );
    expect(instance?.failures).toBe(0);
  });

  it('survives a Redis restart that loses every queued job: processes reconnect, the run completes', async () => {
    const d = await deploy({ pause: ['dist_scheduled'] });
    await startWorkers(d, 3, 1);
    await startScheduler(d);
    const runId = trigger(d, 'dist_long');
    // Restart while three mid tasks run and three wait in Redis.
    await waitUntil('the middle stage to start', () =>
      d.lines('started.log').some((l) => l.taskId.startsWith('mid_')),
    );
    try {
      await restartRedis(1_000);
    } finally {
      await ensureRedisRunning();
    }
    await waitForRuns(d, [runId], 45_000);
    expect((await runs(d)).find((r) => r.run_id === runId)?.state).toBe('success');
    expectEachTaskOnce(d, [runId], { dist_long: LONG_TASKS });
  });

  it('runs two schedulers at once: each run is created once and each try runs once', async () => {
    const d = await deploy();
    await startWorkers(d, 2, 2);
    await Promise.all([startScheduler(d, 'scheduler1'), startScheduler(d, 'scheduler2')]);
    const manual = trigger(d, 'dist_fanout');
    const all = async () => (await runs(d)).map((r) => r.run_id);
    await waitUntil('four scheduled runs and the manual one', async () => (await all()).length >= 5);
    await waitForRuns(d, all);

    const rows = await runs(d);
    expect(rows.filter((r) => r.run_type === 'scheduled')).toHaveLength(4);
    expect(rows.every((r) => r.state === 'success')).toBe(true);
    const runIds = rows.map((r) => r.run_id);
    expect(runIds).toContain(manual);
    expectEachTaskOnce(d, runIds, { dist_fanout: FANOUT_TASKS, dist_scheduled: SCHEDULED_TASKS });
    // Not only the effects: no try even started twice, and each task has exactly one try.
    const started = d.lines('started.log').map((l) => `${l.runId} ${l.taskId} ${l.tryNumber}`);
    expect(new Set(started).size).toBe(started.length);
    for (const runId of runIds) expect((await tries(d, runId)).every((t) => t.try_number === 1)).toBe(true);
  });
});
