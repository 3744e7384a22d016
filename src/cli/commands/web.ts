/**
 * `sluice web`: the web API alone (a distributed deployment runs it beside `sluice scheduler` and
 * `sluice worker`, all on Postgres). Writes `$SLUICE_HOME/server.json` while it runs.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';
import { untilSignal } from './standalone.ts';

/** Register `sluice web`. */
export function register(program: Command): void {
  program
    .command('web')
    .description('the web API (and dashboard) alone, for a distributed deployment')
    .option('--port <port>', 'port (default SLUICE_WEB_PORT or 8080)')
    .option('--host <host>', 'bind address (default SLUICE_WEB_HOST or 127.0.0.1)')
    .action(async (flags: { port?: string; host?: string }) => {
      const port = flags.port === undefined ? undefined : Number(flags.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
        throw new UsageError(`--port ${flags.port}: give a port number (0-65535)`);
      const { cliConfig, createProcessLogger, openEngineRuntime } = await import('../compose.ts');
      const config = await cliConfig({
        web: { ...(port !== undefined ? { port } : {}), ...(flags.host ? { host: flags.host } : {}) },
      });
      (await import('../../web/security/loopback.ts')).assertSafeBinding(config.web.host, config.web.token);
      const logger = createProcessLogger(config.logLevel, { role: 'web' });
      const rt = await openEngineRuntime(config, logger);
      const { openWarehouse } = await import('../../adapters/warehouse/open-warehouse.ts');
      const { createOperations } = await import('../../runtime/operations.ts');
      const { startWebServer } = await import('../../web/start-web-server.ts');
      const web = await startWebServer({
        operations: createOperations({ store: rt.store, dags: rt.dags, clock: rt.clock }),
        home: config.home,
        host: config.web.host,
        port: config.web.port,
        token: config.web.token,
        role: 'web',
        logger,
        dashboard: {
          store: rt.store,
          openWarehouse: () => openWarehouse(config),
          openObjectStore: async () =>
            (await import('../../adapters/object-store/open-object-store.ts')).openObjectStore(config),
          executor: { kind: config.executor.kind },
          config,
          clock: rt.clock,
          logger,
        },
      });
      process.stdout.write(`sluice web: ${web.url}\n`);
      await untilSignal();
      await web.close();
      await rt.close();
    });
}
