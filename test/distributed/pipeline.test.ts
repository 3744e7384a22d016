/**
 * The real incremental order pipeline (dags/order_processing_incremental.ts, its jobs and SQL) on a
 * distributed deployment: a scheduler and 3 worker processes on BullMQ, metadata in Postgres, DuckDB as the
 * warehouse (one process at a time through the 1-slot `warehouse` pool). Generated orders, with malformed
 * and duplicate lines, land once; every deployment gets a copy. The tables must equal those of a
 * single-process run (`sluice run`, PGlite, local executor) and the independent computation of the
 * reference validator, also when the worker running `publish` is SIGKILLed in the middle of it.
 */

import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { validateBatch } from '../fixtures/bad-input/reference-validator.ts';
import { CLI, Deployment, waitUntil } from './harness.ts';

const root = join(import.meta.dirname, '../..');

/** Run the CLI to completion; a failure carries its output. */
function sluice(env: Record<string, string>, ...args: string[]): string {
  try {
    return execFileSync(process.execPath, [CLI, ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`sluice ${args.join(' ')} exited ${e.status}:\n${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}
const DAG = 'order_processing_incremental';
const INTERVAL = '2026-01-01T10:00:00Z';
const RUN_ID = `${DAG}__20260101T1000Z`;

/** Tables compared between deployments, without the columns that hold load times. */
const TABLES = [
  'staging_orders',
  'quarantine_orders',
  'fact_orders',
  'agg_hourly_metrics',
  'agg_category_revenue',
  'data_quality_checks',
];
const TIMESTAMP_COLUMNS = new Set(['loaded_at', 'quarantined_at', 'updated_at', 'checked_at']);

/**
 * The repository's pipeline as a project folder, with one change: retries of the DAG wait 0 s instead of
 * 5 minutes, so a test sees the retry of a killed try. Jobs, SQL, checks and tables are the real ones.
 */
function pipelineProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pipeline-project-'));
  for (const sub of ['jobs', 'sql', 'quality', 'tables']) symlinkSync(join(root, sub), join(dir, sub));
  mkdirSync(join(dir, 'dags'));
  writeFileSync(
    join(dir, 'dags', `${DAG}.ts`),
    `import base from '${join(root, 'dags', `${DAG}.ts`)}';\n` +
      `import { defineDag } from '${join(root, 'src/sdk/index.ts')}';\n` +
      `export default defineDag({ ...base, defaults: { ...base.defaults, retryDelay: '0s' } });\n`,
  );
  return dir;
}

async function exportTables(home: string): Promise<Record<string, string[]>> {
  const warehouse = new DuckDbWarehouse({ path: join(home, 'warehouse.duckdb'), dataset: 'ecommerce_data' });
  try {
    const out: Record<string, string[]> = {};
    for (const table of TABLES) {
      const { rows } = await warehouse.query(`SELECT * FROM ecommerce_data.${table}`);
      out[table] = rows
        .map((r) =>
          JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !TIMESTAMP_COLUMNS.has(k)))),
        )
        .sort();
    }
    return out;
  } finally {
    await warehouse.close();
  }
}

let project: string;
let landing: string;
let reference: Record<string, string[]>;
let expectedLines: string[];
let deployment: Deployment | undefined;

beforeAll(async () => {
  project = pipelineProject();
  landing = mkdtempSync(join(tmpdir(), 'sluice-landing-'));
  const env = { PATH: process.env.PATH ?? '', SLUICE_HOME: landing, SLUICE_PROJECT_DIR: project };
  sluice(
    env,
    'generate',
    'orders',
    '--count',
    '8000',
    '--files',
    '4',
    '--seed',
    'distributed',
    '--at',
    '2026-01-01T10:10:00Z',
    '--bad-share',
    '0.01',
    '--duplicate-share',
    '0.02',
    '--out-dir',
    join(landing, 'out'),
  );

  // The independent computation: the fact lines the kept orders must become.
  const dir = join(landing, 'out', 'landing', 'orders');
  const files = readdirSync(dir)
    .sort()
    .map((name) => ({ name: `landing/orders/${name}`, bytes: readFileSync(join(dir, name)) }));
  const batch = validateBatch(files);
  expect(batch.totals.quarantined).toBeGreaterThan(0);
  expect(batch.totals.duplicates).toBeGreaterThan(0);
  expectedLines = batch.kept.flatMap((o) => o.items.map((_, i) => `${o.order_id}#${i + 1}`)).sort();

  // The single-process run of the same files.
  const home = mkdtempSync(join(tmpdir(), 'sluice-single-'));
  try {
    const single = { ...env, SLUICE_HOME: home };
    sluice(single, 'init');
    landFiles(home);
    const out = sluice(single, 'run', DAG, '--interval-start', INTERVAL, '--json');
    expect((JSON.parse(out) as { run: { state: string } }).run.state).toBe('success');
    reference = await exportTables(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  expect(reference.fact_orders!.length).toBe(expectedLines.length);
});

afterEach(async () => {
  await deployment?.cleanup();
  deployment = undefined;
});
afterAll(() => {
  for (const dir of [project, landing]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Land the generated files in a home's bucket one by one in name order: landing time (the file's birth
 * time) then orders them as the generator wrote them, in every home alike, which decides which copy of a
 * duplicated order is kept.
 */
function landFiles(home: string): void {
  const from = join(landing, 'out', 'landing', 'orders');
  const to = join(home, 'bucket', 'landing', 'orders');
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from).sort()) copyFileSync(join(from, name), join(to, name));
}

async function deployPipeline(): Promise<Deployment> {
  deployment = new Deployment({ SLUICE_PROJECT_DIR: project });
  const d = deployment;
  await d.setUp();
  d.cli('init');
  d.cli('dags', 'pause', DAG); // only the run this test triggers
  landFiles(d.home);
  const procs = [1, 2, 3].map((i) => d.start(`worker${i}`, 'worker', '--concurrency', '1'));
  procs.push(d.start('scheduler', 'scheduler'));
  await Promise.all(procs.map((p) => d.waitForOutput(p, /ready on|sluice scheduler:/)));
  return d;
}

async function runState(d: Deployment): Promise<string | undefined> {
  return (await d.query<{ state: string }>('select state from dag_runs where run_id = $1', [RUN_ID]))[0]
    ?.state;
}

async function waitForRun(d: Deployment): Promise<void> {
  await waitUntil(
    'the pipeline run to finish',
    async () => ['success', 'failed'].includes((await runState(d)) ?? ''),
    60_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${d.allOutput()}`);
  });
}

async function factLines(d: Deployment): Promise<string[]> {
  const warehouse = new DuckDbWarehouse({
    path: join(d.home, 'warehouse.duckdb'),
    dataset: 'ecommerce_data',
  });
  try {
    const { rows } = await warehouse.query<{ k: string }>(
      `SELECT order_id || '#' || line_number AS k FROM ecommerce_data.fact_orders`,
    );
    return rows.map((r) => r.k).sort();
  } finally {
    await warehouse.close();
  }
}

describe('distributed: the incremental order pipeline on 3 workers', () => {
  it('survives a SIGKILL of the worker running publish: the same tables as a single-process run, every line once', async () => {
    const d = await deployPipeline();
    const watcher = new pg.Client({ connectionString: d.metadataUrl });
    await watcher.connect();
    let killedPid: number | undefined;
    try {
      d.cli('dags', 'trigger', DAG, '--interval-start', INTERVAL);
      await waitUntil(
        'publish to start',
        async () => {
          const { rows } = await watcher.query<{ pid: number }>(
            `select w.pid from task_instances ti join workers w on w.worker_id = ti.worker_id
              where ti.run_id = $1 and ti.task_id = 'publish' and ti.state = 'running'`,
            [RUN_ID],
          );
          if (rows[0]) killedPid = rows[0].pid;
          return killedPid !== undefined;
        },
        60_000,
      );
      const victim = d.processes.find((p) => p.child.pid === killedPid)!;
      victim.child.kill('SIGKILL');
      await victim.exited;
    } finally {
      await watcher.end();
    }
    await waitForRun(d);
    expect(await runState(d)).toBe('success');
    // The killed try was declared lost and publish ran again, as try 2, on another worker.
    const publish = await d.query<{
      try_number: number;
      state: string;
      error_code: string | null;
      worker_id: string;
    }>(
      `select try_number, state, error_code, worker_id from task_tries where run_id = $1 and task_id = 'publish'
        order by try_number`,
      [RUN_ID],
    );
    expect(publish.map(({ worker_id: _, ...t }) => t)).toEqual([
      { try_number: 1, state: 'up_for_retry', error_code: 'E_ZOMBIE' },
      { try_number: 2, state: 'success', error_code: null },
    ]);
    expect(publish[1]!.worker_id).not.toBe(publish[0]!.worker_id);
    // The whole run was spread over the workers.
    const workers = await d.query('select distinct worker_id from task_tries where run_id = $1', [RUN_ID]);
    expect(workers.length).toBeGreaterThan(1);
    // No lost and no duplicated fact line, against the independent computation and the single-process run.
    expect(await factLines(d)).toEqual(expectedLines);
    expect(await exportTables(d.home)).toEqual(reference);
  });
});
