/**
 * A distributed deployment on this machine for one test: its own Postgres database, Redis key prefix and
 * SLUICE_HOME, the fixture DAG project, and `sluice` processes spawned as `node src/cli/main.ts ...`.
 * `cleanup()` kills what is left, drops the database and deletes the keys.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = join(import.meta.dirname, '../..');
export const CLI = join(root, 'src/cli/main.ts');
export const FIXTURE_PROJECT = join(root, 'test/fixtures/dags-distributed');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_ADMIN_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface SluiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

/** One line of effects.log / started.log written by the fixture jobs. */
export interface EffectLine {
  readonly runId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  readonly pid: number;
}

export class Deployment {
  readonly id = randomUUID().slice(0, 8);
  readonly database = `sluice_dist_${this.id}`;
  readonly prefix = `sluice-dist-${this.id}`;
  readonly home = mkdtempSync(join(tmpdir(), 'sluice-dist-'));
  readonly metadataUrl: string;
  readonly env: Record<string, string>;
  readonly processes: SluiceProcess[] = [];
  readonly #logs: WriteStream[] = [];

  constructor(extraEnv: Record<string, string> = {}) {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${this.database}`;
    this.metadataUrl = url.toString();
    this.env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? this.home,
      SLUICE_HOME: this.home,
      SLUICE_PROJECT_DIR: FIXTURE_PROJECT,
      SLUICE_EXECUTOR: 'bullmq',
      SLUICE_METADATA_URL: this.metadataUrl,
      REDIS_URL,
      SLUICE_QUEUE_PREFIX: this.prefix,
      SLUICE_LOG_LEVEL: 'info',
      ...extraEnv,
    };
  }

  /** Create the database. */
  async setUp(): Promise<void> {
    await withAdmin((c) => c.query(`CREATE DATABASE ${this.database}`));
  }

  /** Run a CLI command to completion; returns its stdout (throws with its output on a non-zero exit). */
  cli(...args: string[]): string {
    try {
      return execFileSync(process.execPath, [CLI, ...args], {
        env: this.env,
        cwd: this.home,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; status?: number };
      throw new Error(`sluice ${args.join(' ')} exited ${e.status}: ${e.stderr ?? ''}${e.stdout ?? ''}`);
    }
  }

  /** Start a long-running CLI process (scheduler, worker); its output goes to `$SLUICE_HOME/<name>.log`. */
  start(name: string, ...args: string[]): SluiceProcess {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: this.env,
      cwd: this.home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const log = createWriteStream(join(this.home, `${name}.log`));
    this.#logs.push(log);
    const collect = (chunk: Buffer) => {
      text += chunk.toString();
      log.write(chunk);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const proc: SluiceProcess = { name, child, exited, output: () => text };
    this.processes.push(proc);
    return proc;
  }

  /** Wait until a process printed `pattern` (e.g. its "ready" line). */
  async waitForOutput(proc: SluiceProcess, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    await waitUntil(
      `${proc.name} to print ${pattern}`,
      () => {
        if (proc.child.exitCode !== null)
          throw new Error(`${proc.name} exited ${proc.child.exitCode} before ${pattern}:\n${proc.output()}`);
        return pattern.test(proc.output());
      },
      timeoutMs,
    );
  }

  /** Lines of `effects.log` (one per finished try) or `started.log` (one per started try). */
  lines(file: 'effects.log' | 'started.log'): EffectLine[] {
    const path = join(this.home, file);
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [runId, taskId, tryNumber, pid] = line.split(' ');
        return { runId: runId!, taskId: taskId!, tryNumber: Number(tryNumber), pid: Number(pid) };
      });
  }

  /** Run a query against this deployment's metadata database. */
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.metadataUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Logs of every process, for a failing test's message. */
  allOutput(): string {
    return this.processes.map((p) => `----- ${p.name}\n${p.output()}`).join('\n');
  }

  /** Stop every process (SIGTERM, then SIGKILL), drop the database, delete the Redis keys and the home. */
  async cleanup(): Promise<void> {
    await Promise.all(this.processes.map((p) => stopProcess(p, 10_000)));
    for (const log of this.#logs) log.end();
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`)).catch(() => {});
    await deleteRedisKeys(this.prefix).catch(() => {});
    if (!process.env.SLUICE_KEEP_TEST_HOME) rmSync(this.home, { recursive: true, force: true });
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves when the process has exited. */
export async function stopProcess(proc: SluiceProcess, graceMs: number): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/** Poll `predicate` every 50 ms until it holds; fail with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The machine's Redis start command (the same as .ci/run). */
const REDIS_START = [
  'redis-server',
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

function redisIsUp(): boolean {
  try {
    return (
      execFileSync('redis-cli', ['-h', '127.0.0.1', 'ping'], { encoding: 'utf8', timeout: 2000 }).trim() ===
      'PONG'
    );
  } catch {
    return false;
  }
}

/** Start the machine's Redis if it is not answering; waits until it does. */
export async function ensureRedisRunning(): Promise<void> {
  if (redisIsUp()) return;
  execFileSync(REDIS_START[0]!, REDIS_START.slice(1), { stdio: 'ignore' });
  await waitUntil('Redis to answer', () => redisIsUp(), 15_000);
}

/** Stop the machine's Redis without saving (everything in it is lost), wait `downMs`, start it again. */
export async function restartRedis(downMs: number): Promise<void> {
  try {
    execFileSync('redis-cli', ['-h', '127.0.0.1', 'shutdown', 'nosave'], { stdio: 'ignore' });
  } catch {
    // redis-cli exits non-zero when the server closes the connection during shutdown.
  }
  await waitUntil('Redis to stop', () => !redisIsUp(), 10_000);
  await new Promise((r) => setTimeout(r, downMs));
  await ensureRedisRunning();
}
