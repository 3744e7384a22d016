/**
 * `sluice standalone [--port]`: scheduler + local executor + web API in one process, on the embedded
 * defaults (PGlite, DuckDB, a folder as the bucket). Writes `$SLUICE_HOME/server.json` so other `sluice`
 * commands go through its API; removes it on SIGINT/SIGTERM after running tries finish (or are handed back).
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';

/** Register `sluice standalone`. */
export function register(program: Command): void {
  program
    .command('standalone')
    .description('scheduler + local executor + web API in one process (embedded defaults)')
    .option('--port <port>', 'web port (default SLUICE_WEB_PORT or 8080; 0 = any free port)')
    .option('--host <host>', 'web bind address (default SLUICE_WEB_HOST or 127.0.0.1)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, how long running tries may take to finish', '30000')
    .action(async (flags: { port?: string; host?: string; shutdownTimeout: string }) => {
      const port = flags.port === undefined ? undefined : Number(flags.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
        throw new UsageError(`--port ${flags.port}: give a port number (0-65535)`);
      const { cliConfig, createProcessLogger, openEngineRuntime } = await import('../compose.ts');
      const config = await cliConfig({
        web: { ...(port !== undefined ? { port } : {}), ...(flags.host ? { host: flags.host } : {}) },
      });
      (await import('../../web/security/loopback.ts')).assertSafeBinding(config.web.host, config.web.token);
      const { findLiveServer } = await import('../../web/server-file.ts');
      const running = await findLiveServer(config.home, config.web.token);
      if (running)
        throw new UsageError(
          `a Sluice server already runs for ${config.home}: ${running.url} (pid ${running.pid})`,
        );

      const logger = createProcessLogger(config.logLevel, { role: 'standalone' });
      const rt = await openEngineRuntime(config, logger);
      const { createLocalEngine } = await import('../../runtime/local-engine.ts');
      const { createOperations } = await import('../../runtime/operations.ts');
      const { startWebServer } = await import('../../web/start-web-server.ts');
      const { triggerRun } = await import('../../runtime/trigger-run.ts');
      const { openWarehouse } = await import('../../adapters/warehouse/open-warehouse.ts');
      for (const error of rt.dags.errors) process.stderr.write(`sluice: ${error}\n`);

      const engine = createLocalEngine(rt.engineOptions());
      await engine.start();
      const { followDagEdits } = await import('./scheduler.ts');
      const reloads = await followDagEdits(rt, engine.scheduler, logger);
      const web = await startWebServer({
        operations: createOperations({
          store: rt.store,
          dags: rt.dags,
          clock: rt.clock,
          onChange: () => engine.scheduler.notify(),
        }),
        home: config.home,
        host: config.web.host,
        port: config.web.port,
        token: config.web.token,
        role: 'standalone',
        logger,
        dashboard: {
          store: rt.store,
          openWarehouse: () => openWarehouse(config),
          openObjectStore: async () =>
            (await import('../../adapters/object-store/open-object-store.ts')).openObjectStore(config),
          executor: engine.executor,
          config,
          clock: rt.clock,
          logger,
          notify: () => engine.scheduler.notify(),
          actions: {
            trigger: (dagId, o) =>
              triggerRun(rt.store, rt.dags, {
                dagId,
                now: rt.clock.now(),
                ...(o.intervalStart ? { intervalStart: o.intervalStart } : {}),
                conf: o.conf ?? null,
              }),
          },
        },
      });
      process.stdout.write(
        `sluice standalone: ${web.url} (${rt.dags.list().length} DAGs, metadata ${rt.store.kind}, home ${config.home})\n`,
      );
      await untilSignal();
      process.stdout.write('sluice standalone: stopping\n');
      await web.close();
      await reloads.stop();
      await engine.stop(Number(flags.shutdownTimeout));
      await rt.close();
    });
}

/** Resolve on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => on('SIGINT');
    const onTerm = () => on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}
