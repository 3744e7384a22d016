/**
 * The real incremental order pipeline on a distributed deployment for one scenario: `sluice scheduler` and
 * `sluice worker` processes on the machine's Redis, metadata in a Postgres database of its own, DuckDB and
 * the local bucket in its own SLUICE_HOME (test/distributed/harness.ts does the process work). The DAG is
 * the repository's, with two test settings: retries wait 0 s instead of 5 minutes (so a killed try's retry
 * is seen at once) and the sensor pokes every second. Jobs, SQL, checks and tables are the real ones.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Deployment, type SluiceProcess, waitUntil } from '../distributed/harness.ts';
import type { MetaQuery, World } from './invariants.ts';
import { DAG, seedProducts } from './order-batches.ts';

const root = join(import.meta.dirname, '../..');

/** A project folder: the repository's jobs/sql/quality/tables and its DAG with the test settings above. */
export function faultProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-faults-project-'));
  chmodSync(dir, 0o755);
  for (const sub of ['jobs', 'sql', 'quality', 'tables']) symlinkSync(join(root, sub), join(dir, sub));
  mkdirSync(join(dir, 'dags'));
  writeFileSync(
    join(dir, 'dags', `${DAG}.ts`),
    `import base from '${join(root, 'dags', `${DAG}.ts`)}';\n` +
      `import { defineDag } from '${join(root, 'src/sdk/index.ts')}';\n` +
      'export default defineDag({\n' +
      "  ...base, defaults: { ...base.defaults, retryDelay: '0s' },\n" +
      '  tasks: { ...base.tasks, sense_files: { ...base.tasks.sense_files,\n' +
      "    sensor: { pokeInterval: '1s', timeout: '30s', softFail: true } } },\n" +
      '});\n',
  );
  return dir;
}

export interface RunningTry {
  readonly tryNumber: number;
  readonly pid: number;
  /** The task had already finished when it was first seen (a task faster than the polling). */
  readonly finished: boolean;
}

/** One deployment of the pipeline, its processes, and the world the invariants look at. */
export class PipelineStack {
  readonly deployment: Deployment;
  readonly project: string;
  products: ReadonlyMap<string, string> = new Map();
  #workers = 0;
  #watcher: pg.Client | undefined;

  private constructor(project: string, env: Record<string, string>) {
    this.project = project;
    this.deployment = new Deployment({ SLUICE_PROJECT_DIR: project, ...env });
  }

  /** Database, `sluice init`, the DAG paused (only triggered runs), products in dim_products. */
  static async open(seed: string, env: Record<string, string> = {}): Promise<PipelineStack> {
    const stack = new PipelineStack(faultProject(), env);
    const d = stack.deployment;
    await d.setUp();
    d.cli('init');
    d.cli('dags', 'pause', DAG);
    stack.products = await seedProducts(d.home, seed);
    return stack;
  }

  get home(): string {
    return this.deployment.home;
  }

  get world(): World {
    return { home: this.home, meta: this.meta, products: this.products };
  }

  /** Query the metadata database (a fresh connection each time: it survives Postgres restarts). */
  readonly meta: MetaQuery = (sql, params = []) => this.deployment.query(sql, params);

  /** Start a worker on both queues; resolves when it is ready. */
  async startWorker(options: { wait?: boolean } = {}): Promise<SluiceProcess> {
    const name = `worker${++this.#workers}`;
    const worker = this.deployment.start(name, 'worker', '--concurrency', '1');
    if (options.wait ?? true) await this.deployment.waitForOutput(worker, /ready on/, 30_000);
    return worker;
  }

  /** Start a scheduler; resolves when it is up. */
  async startScheduler(name = 'scheduler'): Promise<SluiceProcess> {
    const scheduler = this.deployment.start(name, 'scheduler');
    await this.deployment.waitForOutput(scheduler, /sluice scheduler:/, 30_000);
    return scheduler;
  }

  /** `sluice dags trigger` for an interval; returns the run id. */
  trigger(intervalStart: Date): string {
    const out = this.deployment.cli(
      'dags',
      'trigger',
      DAG,
      '--interval-start',
      intervalStart.toISOString(),
      '--json',
    );
    return (JSON.parse(out) as { runId: string }).runId;
  }

  /** The state of a run (undefined before it exists). */
  async runState(runId: string): Promise<string | undefined> {
    return (await this.meta<{ state: string }>('select state from dag_runs where run_id = $1', [runId]))[0]
      ?.state;
  }

  /** Wait until the run is success or failed; returns the state. */
  async waitForRun(runId: string, timeoutMs = 120_000): Promise<string> {
    let state: string | undefined;
    await waitUntil(
      `run ${runId} to finish`,
      async () => {
        state = await this.runState(runId).catch(() => undefined);
        return state === 'success' || state === 'failed';
      },
      timeoutMs,
    ).catch(async (error: Error) => {
      const tasks = await this.meta(
        'select task_id, state, try_number from task_instances where run_id = $1',
        [runId],
      ).catch(() => []);
      throw new Error(`${error.message}\ntasks: ${JSON.stringify(tasks)}\n${this.deployment.allOutput()}`);
    });
    return state!;
  }

  /**
   * Wait (polling every few ms on one connection) until `taskId` of the run is running, and return its try
   * number and the pid of the worker running it (or that ran it, when it finished between two polls).
   */
  async waitForRunningTry(runId: string, taskId: string, timeoutMs = 120_000): Promise<RunningTry> {
    if (!this.#watcher) {
      this.#watcher = new pg.Client({ connectionString: this.deployment.metadataUrl });
      this.#watcher.on('error', () => {});
      await this.#watcher.connect();
    }
    const watcher = this.#watcher;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { rows } = await watcher.query<{ try_number: number; pid: number; state: string }>(
        `select ti.try_number, w.pid, ti.state from task_instances ti join workers w on w.worker_id = ti.worker_id
          where ti.run_id = $1 and ti.task_id = $2`,
        [runId, taskId],
      );
      const row = rows[0];
      if (row?.state === 'running') return { tryNumber: row.try_number, pid: row.pid, finished: false };
      if (row && ['success', 'failed', 'up_for_retry', 'skipped'].includes(row.state))
        return { tryNumber: row.try_number, pid: row.pid, finished: true };
      if (performance.now() > deadline)
        throw new Error(`timed out waiting for ${taskId} of ${runId} to run (last: ${JSON.stringify(row)})`);
      await new Promise((r) => setTimeout(r, 3));
    }
  }

  /** The live process with this pid (a worker or a scheduler). */
  process(pid: number): SluiceProcess | undefined {
    return this.deployment.processes.find((p) => p.child.pid === pid && p.child.exitCode === null);
  }

  /** Live processes whose name starts with `prefix`. */
  live(prefix: string): SluiceProcess[] {
    return this.deployment.processes.filter(
      (p) => p.name.startsWith(prefix) && p.child.exitCode === null && p.child.signalCode === null,
    );
  }

  async close(): Promise<void> {
    await this.#watcher?.end().catch(() => {});
    await this.deployment.cleanup();
    rmSync(this.project, { recursive: true, force: true });
  }
}

/** SIGKILL a process and wait until it is gone. */
export async function sigkill(proc: SluiceProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}
