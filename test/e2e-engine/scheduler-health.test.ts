/**
 * `sluice scheduler --health` as a container health check runs it: one line, exit 1 before a scheduler
 * runs on this host, 0 while it runs (its heartbeat is fresh in the Postgres metadata DB), 1 once it stopped.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../engine/harness.ts';
import { waitFor } from '../engine/wait-for.ts';
import { type CliHome, cliHome, exited } from './cli-harness.ts';

const ADMIN_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe('sluice scheduler --health', () => {
  const database = `sluice_health_${randomBytes(4).toString('hex')}`;
  let cli: CliHome | undefined;
  afterAll(async () => {
    cli?.cleanup();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('is 1 without a running scheduler on this host, 0 while one runs, 1 after it stopped', async () => {
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    cli = await cliHome(join(FIXTURES, 'dags-engine'));
    const env = { SLUICE_METADATA_URL: url.toString(), SLUICE_HEARTBEAT_INTERVAL: '1s' };
    expect((await cli.run(['init'], env)).code).toBe(0);

    const before = await cli.run(['scheduler', '--health'], env);
    expect([before.code, before.stdout.trim()]).toEqual([
      1,
      expect.stringMatching(/^unhealthy: no running scheduler on .+ is recorded in the metadata DB$/),
    ]);

    const scheduler = cli.spawn(['scheduler'], env);
    await waitFor(() => /sluice scheduler:/.test(scheduler.output()) || undefined, {
      what: 'the scheduler to start',
      timeoutMs: 30_000,
    });
    const during = await cli.run(['scheduler', '--health'], env);
    expect(during.code, during.stdout + during.stderr).toBe(0);
    expect(during.stdout).toMatch(/^healthy: scheduler \S+ heartbeat \S+ ago\n$/);

    scheduler.kill('SIGTERM');
    expect(await exited(scheduler)).toBe(0);
    const after = await cli.run(['scheduler', '--health'], env);
    expect(after.code).toBe(1);
    expect(after.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
