/**
 * The machine's Redis and PostgreSQL, as the fault suite stops and starts them. Every scenario that stops one
 * starts it again in a `finally`, and the global teardown makes sure both answer, whatever happened.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { ensureRedisRunning, restartRedis, waitUntil } from '../distributed/harness.ts';

export { ensureRedisRunning, restartRedis };

const PG_ADMIN_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The installed PostgreSQL major version (`ls /etc/postgresql`). */
function pgVersion(): string {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length !== 1) throw new Error(`expected one version in /etc/postgresql, found ${versions}`);
  return versions[0]!;
}

function pgCtl(action: 'start' | 'restart'): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', action], {
    stdio: 'ignore',
    timeout: 60_000,
  });
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Start the machine's PostgreSQL if it does not answer; waits until it does. */
export async function ensurePostgresRunning(): Promise<void> {
  if (await postgresAnswers()) return;
  try {
    pgCtl('start');
  } catch {
    // Already starting (or running and not yet accepting): the wait below decides.
  }
  await waitUntil('PostgreSQL to answer', postgresAnswers, 60_000);
}

/** Restart the machine's PostgreSQL (every connection is cut); waits until it answers again. */
export async function restartPostgres(): Promise<void> {
  try {
    pgCtl('restart');
  } finally {
    await ensurePostgresRunning();
  }
}
