/**
 * The real incremental order pipeline on a distributed deployment for one scenario: `sluice scheduler` and
 * `sluice worker` processes on the machine's Redis, metadata in a Postgres database of its own, DuckDB and
 * the local bucket in its own SLUICE_HOME (test/distributed/harness.ts does the process work). The DAG is
 * the repository's, with two test settings: retries wait 0 s instead of 5 minutes (so a killed try's retry
 * is seen at once) and the sensor pokes every second. Jobs, SQL, checks and tables are the real ones.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { CLI, Deployment, type SluiceProcess, waitUntil } from '../distributed/harness.ts';
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
  #schedulers = 0;
  #watcher: pg.Client | undefined;
  /** Processes the test killed on purpose, and those already replaced by `supervise`. */
  readonly #expectedExits = new Set<SluiceProcess>();
  readonly #roles = new Map<SluiceProcess, 'worker' | 'scheduler'>();
  /** Processes that died on their own and were started again by `supervise` (like a container restart). */
  readonly restarted: string[] = [];

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

  /**
   * Start a worker (both queues unless `queues` says otherwise; as another user with `uid`/`gid`, and with
   * extra environment); resolves when it is ready unless `wait` is false.
   */
  async startWorker(
    options: {
      wait?: boolean;
      queues?: string;
      uid?: number;
      gid?: number;
      env?: Record<string, string>;
    } = {},
  ): Promise<SluiceProcess> {
    const name = `worker${++this.#workers}`;
    const args = ['worker', '--concurrency', '1', '--queues', options.queues ?? 'default,warehouse'];
    const worker =
      options.uid === undefined && options.env === undefined
        ? this.deployment.start(name, ...args)
        : this.#spawnAs(name, args, options);
    this.#roles.set(worker, 'worker');
    if (options.wait ?? true) await this.deployment.waitForOutput(worker, /ready on/, 30_000);
    return worker;
  }

  /** `Deployment.start`, as another user and with extra environment. */
  #spawnAs(
    name: string,
    args: string[],
    options: { uid?: number; gid?: number; env?: Record<string, string> },
  ): SluiceProcess {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...this.deployment.env, ...options.env },
      cwd: this.home,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
    });
    let text = '';
    const collect = (chunk: Buffer) => {
      text += chunk.toString();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const proc: SluiceProcess = { name, child, exited, output: () => text };
    this.deployment.processes.push(proc);
    return proc;
  }

  /** Start a scheduler; resolves when it is up. */
  async startScheduler(options: { wait?: boolean } = {}): Promise<SluiceProcess> {
    const scheduler = this.deployment.start(`scheduler${++this.#schedulers}`, 'scheduler');
    this.#roles.set(scheduler, 'scheduler');
    if (options.wait === false) return scheduler;
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

  /** SIGKILL a process on purpose (it is not reported as a crash) and wait until it is gone. */
  async kill(proc: SluiceProcess): Promise<void> {
    this.#expectedExits.add(proc);
    await sigkill(proc);
  }

  /** Processes that exited without the test asking them to (crashes), not yet replaced. */
  crashed(): SluiceProcess[] {
    return this.deployment.processes.filter(
      (p) =>
        this.#roles.has(p) &&
        !this.#expectedExits.has(p) &&
        (p.child.exitCode !== null || p.child.signalCode !== null),
    );
  }

  /** Start a replacement for every crashed process, as a supervisor (docker-compose `restart:`) would. */
  supervise(): void {
    for (const dead of this.crashed()) {
      this.#expectedExits.add(dead);
      this.restarted.push(`${dead.name} (exit ${dead.child.exitCode ?? dead.child.signalCode})`);
      if (this.#roles.get(dead) === 'worker') void this.startWorker({ wait: false });
      else void this.startScheduler({ wait: false });
    }
  }

  /**
   * Wait until the run is success or failed; returns the state. A process that crashes meanwhile fails the
   * wait at once (with its output), unless `supervise` is set: then it is started again.
   */
  async waitForRun(
    runId: string,
    options: { timeoutMs?: number; supervise?: boolean } = {},
  ): Promise<string> {
    let state: string | undefined;
    await waitUntil(
      `run ${runId} to finish`,
      async () => {
        if (options.supervise) this.supervise();
        const crashed = this.crashed();
        if (crashed.length > 0) throw new ProcessCrashedError(crashed);
        state = await this.runState(runId).catch(() => undefined);
        return state === 'success' || state === 'failed';
      },
      options.timeoutMs ?? 120_000,
    ).catch(async (error: Error) => {
      if (error instanceof ProcessCrashedError) throw error;
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
    const deadline = performance.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        if (!this.#watcher) {
          const client = new pg.Client({ connectionString: this.deployment.metadataUrl });
          client.on('error', () => {});
          await client.connect();
          this.#watcher = client;
        }
        const { rows } = await this.#watcher.query<{ try_number: number; pid: number; state: string }>(
          `select ti.try_number, w.pid, ti.state from task_instances ti join workers w on w.worker_id = ti.worker_id
            where ti.run_id = $1 and ti.task_id = $2`,
          [runId, taskId],
        );
        const row = rows[0];
        last = row;
        if (row?.state === 'running') return { tryNumber: row.try_number, pid: row.pid, finished: false };
        if (row && ['success', 'failed', 'up_for_retry', 'skipped'].includes(row.state))
          return { tryNumber: row.try_number, pid: row.pid, finished: true };
      } catch (error) {
        // Postgres restarted under us: connect again.
        last = error;
        await this.#watcher?.end().catch(() => {});
        this.#watcher = undefined;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (performance.now() > deadline)
        throw new Error(
          `timed out waiting for ${taskId} of ${runId} to run (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
        );
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

/** Sluice processes exited on their own while a run was awaited. */
export class ProcessCrashedError extends Error {
  readonly processes: readonly string[];
  constructor(crashed: readonly SluiceProcess[]) {
    const names = crashed.map((p) => `${p.name} exited ${p.child.exitCode ?? p.child.signalCode}`);
    const firstError = (p: SluiceProcess) =>
      p
        .output()
        .split('\n')
        .find((l) => /error|Error/.test(l)) ?? '(no error line)';
    super(`${names.join(', ')}: ${crashed.map((p) => `${p.name}: ${firstError(p)}`).join('; ')}`);
    this.name = 'ProcessCrashedError';
    this.processes = names;
  }
}

/** SIGKILL a process and wait until it is gone. */
export async function sigkill(proc: SluiceProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}
