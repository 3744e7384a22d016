/**
 * `sluice scheduler`: the scheduler of a distributed deployment. With SLUICE_EXECUTOR=bullmq it hands tries
 * to BullMQ queues (workers run them: `sluice worker`); with the local executor it runs them in-process
 * (like standalone, without the web API). Any number of schedulers may run against one Postgres.
 */
import type { Command } from 'commander';
import { untilSignal } from './standalone.ts';

/** Register `sluice scheduler`. */
export function register(program: Command): void {
  program
    .command('scheduler')
    .description('create runs and dispatch tries (BullMQ with SLUICE_EXECUTOR=bullmq, else in-process)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, how long in-process tries may take to finish', '30000')
    .action(async (flags: { shutdownTimeout: string }) => {
      const { cliConfig, createProcessLogger, openEngineRuntime } = await import('../compose.ts');
      const config = await cliConfig();
      const logger = createProcessLogger(config.logLevel, { role: 'scheduler' });
      const rt = await openEngineRuntime(config, logger);
      for (const error of rt.dags.errors) process.stderr.write(`sluice: ${error}\n`);
      let stop: () => Promise<void>;
      if (config.executor.kind === 'bullmq') {
        const { bullmqSettingsFrom } = await import('../../adapters/executor/bullmq/bullmq-config.ts');
        const { openBullmqExecutor } = await import('../../adapters/executor/bullmq/bullmq-executor.ts');
        const { Scheduler } = await import('../../runtime/scheduler.ts');
        const executor = await openBullmqExecutor(bullmqSettingsFrom(config), { logger, clock: rt.clock });
        const scheduler = new Scheduler({
          store: rt.store,
          executor,
          dags: rt.dags,
          clock: rt.clock,
          logger,
        });
        await scheduler.start();
        stop = async () => {
          await scheduler.stop();
          await executor.close();
        };
      } else {
        const { createLocalEngine } = await import('../../runtime/local-engine.ts');
        const engine = createLocalEngine(rt.engineOptions());
        await engine.start();
        stop = () => engine.stop(Number(flags.shutdownTimeout));
      }
      process.stdout.write(
        `sluice scheduler: ${rt.dags.list().length} DAGs, executor ${config.executor.kind}, metadata ${rt.store.kind}\n`,
      );
      await untilSignal();
      await stop();
      await rt.close();
    });
}
