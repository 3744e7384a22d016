/**
 * `sluice backfill` as a user runs it (real processes, embedded defaults: DuckDB, local bucket, PGlite) on the
 * real daily_batch_processing DAG: 10 days -> 10 runs, all success, reports for each day; the same range again
 * with --reprocess all leaves every table and every exported CSV unchanged; --dry-run and bad input create
 * nothing (bad input: one line, exit code 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import type { Row } from '../../src/ports/warehouse.ts';
import { allTables } from '../../tables/index.ts';
import { type CliHome, cliHome, ROOT } from '../e2e-engine/cli-harness.ts';

const DAILY = 'daily_batch_processing';
const DAYS = Array.from({ length: 10 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`);
const REPORTS = [
  'report_inactive_customers',
  'report_low_stock',
  'report_revenue_trends',
  'report_dq_daily_summary',
];
// Columns that record when a row was (re)written, not what it says.
const WHEN_WRITTEN: Record<string, readonly string[]> = {
  data_quality_checks: ['checked_at'],
  fact_orders: ['loaded_at'],
  staging_orders_raw: ['loaded_at'],
  staging_orders: ['loaded_at'],
  quarantine_orders: ['loaded_at'],
};

let cli: CliHome;

async function ok(args: string[]) {
  const r = await cli.run(args);
  if (r.code !== 0) throw new Error(`sluice ${args.join(' ')} -> ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function json<T>(args: string[]): Promise<T> {
  return JSON.parse((await ok([...args, '--json'])).stdout) as T;
}

/** Every table, sorted, without the write-time columns; and every exported report CSV. */
async function snapshot(): Promise<Record<string, unknown>> {
  const w = new DuckDbWarehouse({ path: join(cli.home, 'warehouse.duckdb'), dataset: 'ecommerce_data' });
  const out: Record<string, unknown> = {};
  try {
    for (const table of allTables) {
      const skip = (WHEN_WRITTEN[table.name] ?? []).filter((c) =>
        table.columns.some((col) => col.name === c),
      );
      const cols = skip.length ? ` EXCLUDE (${skip.join(', ')})` : '';
      out[table.name] = (
        await w.query<Row>(`SELECT *${cols} FROM ${w.qualify(table.name)} ORDER BY ALL`)
      ).rows;
    }
  } finally {
    await w.close();
  }
  for (const day of DAYS)
    for (const report of REPORTS)
      out[`${report}/${day}`] = readFileSync(
        join(cli.home, 'bucket', 'reports', report, `dt=${day}`, `${report}.csv`),
        'utf8',
      );
  return out;
}

beforeAll(async () => {
  cli = await cliHome(ROOT);
  await ok(['init']);
  // Orders over the three weeks before and during the range, published by the order pipeline; dimensions
  // loaded by today's daily run (their snapshots land now), so every backfilled day has data to report.
  await ok(['generate', 'products', '--count', '60', '--seed', 'bf-products']);
  await ok(['generate', 'customers', '--count', '200', '--seed', 'bf-customers']);
  await ok([
    'generate',
    'orders',
    '--count',
    '800',
    '--files',
    '4',
    '--seed',
    'bf-orders',
    '--at',
    '2026-03-10T23:00:00Z',
    '--spread-minutes',
    String(21 * 24 * 60),
  ]);
  await ok(['run', 'order_processing_incremental']);
  const today = new Date().toISOString().slice(0, 10);
  await ok(['run', DAILY, '--interval-start', `${today}T00:00:00Z`]);
}, 180_000);

afterAll(() => cli?.cleanup());

describe('sluice backfill on the daily DAG', () => {
  it('refuses bad input with one line and exit code 2, and creates nothing', async () => {
    const cases: [string[], RegExp][] = [
      [
        [DAILY, '--from', '2026-03-10', '--to', '2026-03-01'],
        /^sluice: --from 2026-03-10 is not before --to 2026-03-01 \(--to is exclusive\): give a later --to\n$/,
      ],
      [
        ['no_such_dag', '--from', '2026-03-01', '--to', '2026-03-02'],
        /^sluice: unknown DAG "no_such_dag" \(loaded: /,
      ],
      [
        [DAILY, '--from', '2026-03-32', '--to', '2026-04-02'],
        /^sluice: --from "2026-03-32" is not a date: use YYYY-MM-DD/,
      ],
      [
        ['order_processing_incremental', '--from', '2026-01-01', '--to', '2026-05-01'],
        /^sluice: \[2026-01-01, 2026-05-01\) holds more than 10,000 intervals of "\*\/15 \* \* \* \*" for DAG order_processing_incremental; pass --yes/,
      ],
      [
        [DAILY, '--from', '2026-03-01', '--to', '2026-03-02', '--reprocess', 'some'],
        /^sluice: --reprocess "some" is not a mode/,
      ],
      [
        [DAILY, '--from', '2026-03-01', '--to', '2026-03-02', '--max-active-runs', '0'],
        /^sluice: --max-active-runs 0: give a whole number from 1 to 64\n$/,
      ],
    ];
    cases.push([
      ['status', 'bf-99'],
      /^sluice: unknown backfill "bf-99"; list them with `sluice backfill list`\n$/,
    ]);
    for (const [args, message] of cases) {
      const r = await cli.run(['backfill', ...args]);
      expect({ args, code: r.code, stderr: r.stderr, lines: r.stderr.trim().split('\n').length }).toEqual({
        args,
        code: 2,
        stderr: expect.stringMatching(message),
        lines: 1,
      });
    }
    expect(await json<unknown[]>(['backfill', 'list'])).toEqual([]);
  });

  it('--dry-run prints every interval and what it would do, and creates nothing', async () => {
    const runsBefore = await json<unknown[]>(['runs', 'list', '--dag', DAILY]);
    const text = await ok(['backfill', DAILY, '--from', DAYS[0]!, '--to', '2026-03-11', '--dry-run']);
    expect(text.stdout).toContain('10 interval(s): 10 to create, 0 to clear and re-run, 0 to skip');
    expect(text.stdout).toContain('dry run, nothing created');
    expect(text.stdout.match(/^ {2}2026-03-\d\dT00:00Z +create$/gm)).toHaveLength(10);
    const plan = await json<{ items: { runId: string; action: string }[] }>([
      'backfill',
      DAILY,
      '--from',
      DAYS[0]!,
      '--to',
      '2026-03-11',
      '--dry-run',
    ]);
    expect(plan.items.map((i) => i.runId)).toEqual(
      DAYS.map((d) => `${DAILY}__${d.replaceAll('-', '')}T0000Z`),
    );
    expect(await json<unknown[]>(['runs', 'list', '--dag', DAILY])).toEqual(runsBefore);
  });

  it('10 days -> 10 runs, all success, reports for each day; again with --reprocess all -> every table unchanged', async () => {
    const first = await cli.run(['backfill', DAILY, '--from', DAYS[0]!, '--to', '2026-03-11', '--wait']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/bf-1: 10\/10 runs done, 0 failed, 0 running/);
    const status = await json<{ state: string; counts: Record<string, number> }>([
      'backfill',
      'status',
      'bf-1',
    ]);
    expect(status).toMatchObject({ state: 'completed', counts: { total: 10, success: 10, failed: 0 } });
    const runs = await json<{ runId: string; runType: string; state: string; backfillId: string | null }[]>([
      'runs',
      'list',
      '--dag',
      DAILY,
    ]);
    const backfilled = runs.filter((r) => r.backfillId === 'bf-1');
    expect(backfilled).toHaveLength(10);
    expect(backfilled.every((r) => r.runType === 'backfill' && r.state === 'success')).toBe(true);

    const before = await snapshot();
    for (const day of DAYS) {
      for (const report of REPORTS) expect(before[`${report}/${day}`]).toMatch(/^report_date,/);
      // Revenue over the 90 days to D: every backfilled day has orders behind it.
      expect(
        (before.report_revenue_trends as Row[]).filter((r) => String(r.report_date).startsWith(day)).length,
      ).toBeGreaterThan(0);
    }

    const again = await cli.run([
      'backfill',
      DAILY,
      '--from',
      DAYS[0]!,
      '--to',
      '2026-03-11',
      '--reprocess',
      'all',
      '--max-active-runs',
      '3',
      '--wait',
      '--json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    const view = JSON.parse(again.stdout) as { backfillId: string; counts: Record<string, number> };
    expect(view).toMatchObject({ backfillId: 'bf-2', counts: { total: 10, success: 10, skipped: 0 } });
    const intervals = await json<{ intervals: { action: string; priorState: string }[] }>([
      'backfill',
      'status',
      'bf-2',
      '--intervals',
    ]);
    expect(intervals.intervals.every((i) => i.action === 'clear' && i.priorState === 'success')).toBe(true);
    expect(await snapshot()).toEqual(before);
  });
});
