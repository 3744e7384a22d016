/**
 * The CLI as a user runs it: init, dags, run (inline), runs, tasks logs, errors and exit codes; then the same
 * commands against a running `sluice standalone` through its API.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../engine/harness.ts';
import { type CliHome, cliHome, exited } from './cli-harness.ts';

describe('sluice CLI', () => {
  let cli: CliHome;
  beforeAll(async () => {
    cli = await cliHome(join(FIXTURES, 'dags-engine'));
  });
  afterAll(() => cli.cleanup());

  it('lists the commands', async () => {
    const r = await cli.run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['init', 'standalone', 'scheduler', 'web', 'dags', 'run', 'runs', 'tasks'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${c}\\b`));
  });

  it('init is idempotent and says what it created', async () => {
    const first = await cli.run(['init']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/pools: created default \(16 slots\), warehouse \(1 slot\)/);
    expect(first.stdout).toMatch(/bucket: created landing\/orders/);
    expect(existsSync(join(cli.home, 'bucket', 'landing', 'orders'))).toBe(true);
    const second = await cli.run(['init']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^nothing changed/);
  });

  it('runs a DAG inline, prints each task, exits 0; a failing run exits 1', async () => {
    const ok = await cli.run(['run', 'diamond', '--interval-start', '2026-03-01T00:00:00Z']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^run diamond__20260301T0000Z inline/);
    for (const t of ['a', 'b', 'c', 'd']) expect(ok.stdout).toMatch(new RegExp(`\\n  ${t} +success +try 1`));
    expect(ok.stdout).toMatch(/run diamond__20260301T0000Z success\n$/);

    const bad = await cli.run(['run', 'broken', '--interval-start', '2026-03-01T00:00:00Z']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\n {2}a +failed +try 1 .*bad input, retrying cannot help/);
    expect(bad.stdout).toMatch(/\n {2}b +upstream_failed/);
    expect(bad.stdout).toMatch(/run broken__20260301T0000Z failed: a failed, b upstream_failed\n$/);

    const json = await cli.run(['runs', 'list', '--json']);
    const runs = JSON.parse(json.stdout) as { runId: string; state: string }[];
    expect(runs.map((r) => [r.runId, r.state]).sort()).toEqual([
      ['broken__20260301T0000Z', 'failed'],
      ['diamond__20260301T0000Z', 'success'],
    ]);
    const logs = await cli.run(['tasks', 'logs', 'diamond__20260301T0000Z', 'c']);
    expect(logs.stdout).toMatch(/INFO +noop c try 1 \{"interval":"2026-03-01T00:00:00.000Z"\}/);
  });

  it('reports user errors in one line with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['run', 'nope'], /^sluice: unknown DAG "nope"/],
      [['run', 'diamond', '--interval-start', 'yesterday'], /^sluice: invalid date "yesterday"/],
      [
        ['run', 'diamond', '--interval-start', '2026-03-01T00:00:00Z'],
        /^sluice: DAG diamond already has run/,
      ],
      [
        ['dags', 'trigger', 'every_15_latest', '--interval-start', '2026-03-01T00:07:00Z'],
        /is not on the schedule/,
      ],
    ];
    // One at a time: each opens the embedded metadata DB, which allows one process.
    for (const [args, message] of cases) {
      const r = await cli.run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('pauses, triggers and lists DAGs', async () => {
    expect((await cli.run(['dags', 'pause', 'every_15_latest'])).stdout).toBe('every_15_latest paused\n');
    const trig = await cli.run([
      'dags',
      'trigger',
      'every_15_latest',
      '--interval-start',
      '2026-03-01T00:15:00Z',
    ]);
    expect(trig.stdout).toMatch(
      /^queued run every_15_latest__20260301T0015Z \[2026-03-01T00:15:00.000Z, 2026-03-01T00:30:00.000Z\)/,
    );
    const list = JSON.parse((await cli.run(['dags', 'list', '--json'])).stdout) as {
      dags: { dagId: string; paused: boolean; lastRun: { state: string } | null }[];
    };
    const latest = list.dags.find((d) => d.dagId === 'every_15_latest')!;
    expect(latest.paused).toBe(true);
    expect(latest.lastRun?.state).toBe('queued');
  });

  it('goes through the API of a running standalone, which runs what is triggered', async () => {
    const server = cli.spawn(['standalone', '--port', '0']);
    const url = await cli.serverUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The embedded store is held by the server; the CLI must not open it.
    const r = await cli.run([
      'dags',
      'trigger',
      'diamond',
      '--interval-start',
      '2026-03-02T00:00:00Z',
      '--wait',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^run diamond__20260302T0000Z on the server at ${url}`));
    expect(r.stdout).toMatch(/run diamond__20260302T0000Z success\n$/);
    // The run triggered earlier (while no server ran) was picked up too.
    const runs = JSON.parse(
      (await cli.run(['runs', 'list', '--dag', 'every_15_latest', '--json'])).stdout,
    ) as {
      state: string;
    }[];
    expect(runs.map((x) => x.state)).not.toContain('failed');
    expect((await cli.run(['dags', 'unpause', 'every_15_latest'])).stdout).toBe('every_15_latest unpaused\n');
    const logs = await cli.run(['tasks', 'logs', 'diamond__20260302T0000Z', 'a', '--try', '1']);
    expect(logs.stdout).toMatch(/noop a try 1/);
    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
    expect(existsSync(join(cli.home, 'server.json'))).toBe(false);
  });
});
