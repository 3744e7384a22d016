/**
 * `sluice scheduler`: the scheduler of a distributed deployment. With SLUICE_EXECUTOR=bullmq it hands tries
 * to BullMQ queues (workers run them: `sluice worker`); with the local executor it runs them in-process
 * (like standalone, without the web API). Any number of schedulers may run against one Postgres. It records
 * a heartbeat in the metadata DB from its loop; `sluice scheduler --health` is the container health check.
 */
import type { Command } from 'commander';
import type { Logger } from '../../ports/logger.ts';
import type { Scheduler } from '../../runtime/scheduler.ts';
import type { EngineRuntime } from '../compose.ts';
import { untilSignal } from './standalone.ts';

/** Register `sluice scheduler`. */
export function register(program: Command): void {
  program
    .command('scheduler')
    .description('create runs and dispatch tries (BullMQ with SLUICE_EXECUTOR=bullmq, else in-process)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, how long in-process tries may take to finish', '30000')
    .option(
      '--health',
      "exit 0 if this host's scheduler heartbeats in the metadata DB, 1 if not (health check)",
    )
    .action(async (flags: { shutdownTimeout: string; health?: boolean }) => {
      if (flags.health) {
        process.exitCode = await checkHealth();
        return;
      }
      await runScheduler(flags);
    });
}

async function runScheduler(flags: { shutdownTimeout: string }): Promise<void> {
  const { cliConfig, createProcessLogger, openEngineRuntime } = await import('../compose.ts');
  const { newWorkerId } = await import('../../runtime/worker-heartbeat.ts');
  const config = await cliConfig();
  const logger = createProcessLogger(config.logLevel, { role: 'scheduler' });
  const rt = await openEngineRuntime(config, logger);
  for (const error of rt.dags.errors) process.stderr.write(`sluice: ${error}\n`);
  const heartbeat = { schedulerId: newWorkerId(), intervalMs: config.engine.heartbeatIntervalMs };
  let scheduler: Scheduler;
  let stop: () => Promise<void>;
  if (config.executor.kind === 'bullmq') {
    const { bullmqSettingsFrom } = await import('../../adapters/executor/bullmq/bullmq-config.ts');
    const { openBullmqExecutor } = await import('../../adapters/executor/bullmq/bullmq-executor.ts');
    const { Scheduler: SchedulerClass } = await import('../../runtime/scheduler.ts');
    const executor = await openBullmqExecutor(bullmqSettingsFrom(config), { logger, clock: rt.clock });
    scheduler = new SchedulerClass({
      store: rt.store,
      executor,
      dags: rt.dags,
      clock: rt.clock,
      logger,
      zombieThresholdMs: config.engine.zombieThresholdMs,
      heartbeat,
    });
    await scheduler.start();
    stop = async () => {
      await scheduler.stop();
      await executor.close();
    };
  } else {
    const { createLocalEngine } = await import('../../runtime/local-engine.ts');
    const engine = createLocalEngine({ ...rt.engineOptions(), scheduler: { heartbeat } });
    await engine.start();
    scheduler = engine.scheduler;
    stop = () => engine.stop(Number(flags.shutdownTimeout));
  }
  const reloads = await followDagEdits(rt, scheduler, logger);
  process.stdout.write(
    `sluice scheduler: ${rt.dags.list().length} DAGs, executor ${config.executor.kind}, metadata ${rt.store.kind}\n`,
  );
  await untilSignal();
  await reloads.stop();
  await stop();
  await rt.close();
}

/**
 * Re-read dags/ every SLUICE_DAG_RELOAD_INTERVAL and on SIGHUP; after a change, record the new specs and
 * pools and wake the scheduler.
 */
export async function followDagEdits(
  rt: EngineRuntime,
  scheduler: Scheduler,
  logger: Logger,
): Promise<{ stop(): Promise<void> }> {
  const { startDagReloads } = await import('../../runtime/dag-reload-loop.ts');
  const reloads = startDagReloads({
    dags: rt.dags,
    intervalMs: rt.config.engine.dagReloadIntervalMs,
    clock: rt.clock,
    logger,
    onChange: async () => {
      await scheduler.prepare();
      scheduler.notify();
    },
  });
  const onHangup = () => void reloads.reloadNow();
  process.on('SIGHUP', onHangup);
  return {
    async stop() {
      process.off('SIGHUP', onHangup);
      await reloads.stop();
    },
  };
}

/** One line on stdout; 0 when this host's scheduler heartbeated within 3 heartbeat intervals, else 1. */
async function checkHealth(): Promise<number> {
  const { hostname } = await import('node:os');
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { cliConfig } = await import('../compose.ts');
  const { ZOMBIE_HEARTBEATS } = await import('../../config/config.ts');
  const { openMetadataStoreAt } = await import('../../adapters/metadata/open-metadata-store.ts');
  const { schedulerHealth } = await import('../../runtime/scheduler-health.ts');
  const config = await cliConfig();
  if (!config.metadata.url && !existsSync(join(config.metadata.pgliteDir, 'pgdata'))) {
    process.stdout.write(`unhealthy: no metadata DB in ${config.metadata.pgliteDir}; run \`sluice init\`\n`);
    return 1;
  }
  let store: Awaited<ReturnType<typeof openMetadataStoreAt>> | undefined;
  try {
    store = await openMetadataStoreAt({
      url: config.metadata.url,
      pgliteDir: config.metadata.pgliteDir,
      migrate: false,
      poolSize: 1,
    });
    const health = await schedulerHealth(store, {
      host: hostname(),
      now: new Date(),
      maxAgeMs: ZOMBIE_HEARTBEATS * config.engine.heartbeatIntervalMs,
    });
    process.stdout.write(`${health.line}\n`);
    return health.healthy ? 0 : 1;
  } catch (error) {
    process.stdout.write(`unhealthy: ${(error as Error).message.split('\n')[0]}\n`);
    return 1;
  } finally {
    await store?.close().catch(() => {});
  }
}
