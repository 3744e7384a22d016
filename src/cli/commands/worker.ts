/**
 * `sluice worker`: a process of a distributed deployment that takes task tries from the BullMQ queues of
 * its pools and runs them with the engine's task runner. Composition: config -> metadata store -> task
 * runner -> BullMQ worker. SIGTERM/SIGINT: stop taking tries, let running ones finish within the shutdown
 * timeout, then abort (hand back) the rest. SIGHUP (and every SLUICE_DAG_RELOAD_INTERVAL): re-read dags/.
 * `sluice worker --health` is the container health check.
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

  const { cliConfig, composeTaskRunner, createProcessLogger } = await import('../compose.ts');
  const { bullmqSettingsFrom } = await import('../../adapters/executor/bullmq/bullmq-config.ts');
  const { startBullmqWorker } = await import('../../adapters/executor/bullmq/bullmq-worker.ts');
  const config = await cliConfig(concurrency ? { executor: { concurrency } } : {});
  const logger = createProcessLogger(config.logLevel, { role: 'worker' });
  const settings = bullmqSettingsFrom(config);

  // The task runner registers this process as a worker in the metadata DB and heartbeats there; the
  // scheduler's zombie sweep retries the tries of a worker whose heartbeat stops.
  const runner = await composeTaskRunner(config, logger);
  let worker: Awaited<ReturnType<typeof startBullmqWorker>>;
  try {
    worker = await startBullmqWorker(settings, {
      handler: runner.handler,
      queues,
      concurrency: config.executor.concurrency,
      name: runner.workerId,
      logger,
    });
  } catch (error) {
    await runner.close();
    throw error;
  }
  const beat = () => writeHealth({ at: Date.now(), pid: process.pid, queues, running: worker.activeCount });
  beat();
  const healthTimer = setInterval(beat, HEARTBEAT_MS);
  process.stdout.write(
    `sluice worker ${runner.workerId}: ready on ${queues.join(', ')} (prefix ${settings.prefix}, ` +
      `${config.executor.concurrency} at once per queue)\n`,
  );

  const onHangup = () => void runner.reloadDags();
  process.on('SIGHUP', onHangup);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.off('SIGHUP', onHangup);
  process.stdout.write(
    `sluice worker: ${signal}; no new tries, ${worker.activeCount} running may finish within ${shutdownMs} ms\n`,
  );
  clearInterval(healthTimer);
  // Tries first (they finish or are handed back and record it), then the heartbeat and the stores.
  await worker.close(shutdownMs);
  await runner.close();
  process.stdout.write('sluice worker: stopped\n');
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
