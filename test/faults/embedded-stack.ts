/**
 * The pipeline on the embedded stack, as `sluice run` uses it with nothing installed: PGlite metadata in
 * `$SLUICE_HOME/meta`, DuckDB, the local bucket and the in-process executor, each run a real `sluice run`
 * process. PGlite allows one process at a time, so the test opens it only between runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CLI } from '../distributed/harness.ts';
import type { MetaQuery, World } from './invariants.ts';
import { DAG, seedProducts } from './order-batches.ts';
import { faultProject } from './pipeline-stack.ts';

export interface RunResult {
  readonly code: number | null;
  readonly state: string | undefined;
  /** Error of each failed task (from the CLI's JSON). */
  readonly errors: readonly string[];
  readonly output: string;
}

export class EmbeddedStack {
  readonly home = mkdtempSync(join(tmpdir(), 'sluice-faults-embedded-'));
  readonly project = faultProject();
  products: ReadonlyMap<string, string> = new Map();
  #pglite: PGlite | undefined;

  /** `sluice init` and the product catalog in dim_products. */
  static async open(seed: string): Promise<EmbeddedStack> {
    const stack = new EmbeddedStack();
    const init = stack.cli('init');
    if (init.status !== 0) throw new Error(`sluice init failed: ${init.stderr}${init.stdout}`);
    stack.products = await seedProducts(stack.home, seed);
    return stack;
  }

  cli(...args: string[]) {
    return spawnSync(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: this.home,
        SLUICE_HOME: this.home,
        SLUICE_PROJECT_DIR: this.project,
      },
      cwd: this.home,
      encoding: 'utf8',
      timeout: 300_000,
    });
  }

  /** `sluice run <dag> --interval-start ... --json` in its own process, to completion. */
  async run(intervalStart: Date): Promise<RunResult> {
    await this.closeMeta();
    const r = this.cli('run', DAG, '--interval-start', intervalStart.toISOString(), '--json');
    let state: string | undefined;
    let errors: string[] = [];
    try {
      const json = JSON.parse(r.stdout) as {
        run: { state: string };
        tasks: { taskId: string; state: string; error: string | null }[];
      };
      state = json.run.state;
      errors = json.tasks.filter((t) => t.state === 'failed').map((t) => `${t.taskId}: ${t.error}`);
    } catch {
      // Not JSON: the output below says why.
    }
    return { code: r.status, state, errors, output: `${r.stderr}${r.stdout}` };
  }

  /** Query the PGlite metadata (opened on first use, closed before the next run). */
  readonly meta: MetaQuery = async <T extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ) => {
    if (!this.#pglite) {
      this.#pglite = new PGlite(join(this.home, 'meta', 'pgdata'));
      await this.#pglite.waitReady;
    }
    return (await this.#pglite.query<T>(sql, params)).rows;
  };

  async closeMeta(): Promise<void> {
    const db = this.#pglite;
    this.#pglite = undefined;
    await db?.close();
  }

  get world(): World {
    return { home: this.home, meta: this.meta, products: this.products };
  }

  async close(): Promise<void> {
    await this.closeMeta();
    for (const dir of [this.home, this.project]) rmSync(dir, { recursive: true, force: true });
  }
}
