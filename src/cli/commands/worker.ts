/**
 * `sluice worker`: a process of a distributed deployment that takes task tries from the BullMQ queues of
 * its pools and runs them with the engine's task runner. Composition: config -> metadata store -> task
 * runner -> BullMQ worker. SIGTERM/SIGINT: stop taking tries, let running ones finish within the shutdown
 * timeout, then abort (hand back) the rest. `sluice worker --health` is the container health check.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';

interface WorkerFlags {
  readonly queues: string;
  readonly concurrency?: string;
  readonly shutdownTimeout: string;
  readonly health?: boolean;
}

/** Where a running worker records that it is alive; per container (tmpdir), read by `--health`. */
const HEALTH_FILE = join(tmpdir(), 'sluice-worker-health.json');
const HEARTBEAT_MS = 10_000;

/** Register `sluice worker`. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('take task tries from the BullMQ queues of the given pools and run them (needs Redis)')
    .option('--queues <pools>', 'comma-separated pools (= queues) to take tries from', 'default,warehouse')
    .option('--concurrency <n>', 'tries run at once from each queue (default: SLUICE_CONCURRENCY or 4)')
    .option('--shutdown-timeout <duration>', 'on SIGTERM, how long running tries may take to finish', '30s')
    .option('--health', 'exit 0 if the worker in this container heartbeats, 1 if not (health check)')
    .action(async (flags: WorkerFlags) => {
      if (flags.health) {
        process.exitCode = workerIsHealthy() ? 0 : 1;
        return;
      }
      await runWorker(flags);
    });
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  const queues = parseQueues(flags.queues);
  const concurrency =
    flags.concurrency === undefined ? undefined : parsePositiveInt('--concurrency', flags.concurrency);
  const shutdownMs = parseDurationFlag('--shutdown-timeout', flags.shutdownTimeout);

  const { loadConfig } = await import('../../config/config.ts');
  const config = await loadConfig(concurrency ? { flags: { executor: { concurrency } } } : {});
  const { bullmqSettingsFrom } = await import('../../adapters/executor/bullmq/bullmq-config.ts');
  const { startBullmqWorker } = await import('../../adapters/executor/bullmq/bullmq-worker.ts');
  const settings = bullmqSettingsFrom(config);

  const handler = await composeTaskRunner();
  const worker = await startBullmqWorker(settings, {
    handler,
    queues,
    concurrency: config.executor.concurrency,
  });
  process.stderr.write(
    `sluice worker: ready on ${queues.join(', ')} (prefix ${settings.prefix}, ${config.executor.concurrency} per queue)\n`,
  );

  const beat = () => writeHealth({ at: Date.now(), pid: process.pid, queues, running: worker.activeCount });
  beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`sluice worker: ${signal}, finishing running tries (up to ${shutdownMs} ms)\n`);
      clearInterval(heartbeat);
      void worker.close(shutdownMs).then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  process.stderr.write('sluice worker: stopped\n');
}

/** The engine's task runner, as the handler of this process's tries. */
async function composeTaskRunner(): Promise<import('../../ports/executor.ts').TaskHandler> {
  throw new SluiceError('E_NOT_BUILT', 'sluice worker needs the engine task runner, which is not built yet');
}

function writeHealth(state: Record<string, unknown>): void {
  const tmp = `${HEALTH_FILE}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, HEALTH_FILE);
}

function workerIsHealthy(): boolean {
  try {
    const state = JSON.parse(readFileSync(HEALTH_FILE, 'utf8')) as { at?: number };
    return typeof state.at === 'number' && Date.now() - state.at < 3 * HEARTBEAT_MS;
  } catch {
    return false;
  }
}

function parseQueues(raw: string): string[] {
  const queues = raw
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  const bad = queues.find((q) => !/^[A-Za-z0-9_-]+$/.test(q));
  if (queues.length === 0 || bad !== undefined) {
    throw new SluiceError(
      'E_USAGE',
      `--queues ${JSON.stringify(raw)}: give pool names separated by commas, e.g. --queues default,warehouse`,
    );
  }
  return [...new Set(queues)];
}

function parsePositiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new SluiceError('E_USAGE', `${flag} ${raw}: give a whole number >= 1`);
  return n;
}

function parseDurationFlag(flag: string, raw: string): number {
  try {
    return parseDuration(raw);
  } catch {
    throw new SluiceError('E_USAGE', `${flag} ${raw}: give a duration like 30s, 2m or 500ms`);
  }
}
