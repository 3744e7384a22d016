/**
 * Starts the web app on the configured address and records it in `$SLUICE_HOME/server.json` (removed on
 * close). Refuses to bind beyond loopback without a token. The dashboard is mounted when its deps are given;
 * if it cannot start, the server still serves the CLI API and says why the dashboard is missing.
 */
import type { Logger } from '../ports/logger.ts';
import type { Operations } from '../runtime/operations.ts';
import type { DashboardDeps } from './dashboard/dashboard-deps.ts';
import { assertSafeBinding } from './security/loopback.ts';
import { removeServerFile, writeServerFile } from './server-file.ts';
import { buildWebApp } from './web-app.ts';

export interface WebServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listen and write server.json.
 *
 * @example const server = await startWebServer({ operations, home, host: '127.0.0.1', port: 8080, role: 'standalone' })
 */
export async function startWebServer(options: {
  readonly operations: Operations;
  readonly home: string;
  readonly host: string;
  readonly port: number;
  readonly token?: string | undefined;
  readonly role: 'standalone' | 'web';
  readonly dashboard?: DashboardDeps;
  readonly logger?: Logger;
}): Promise<WebServer> {
  assertSafeBinding(options.host, options.token);
  const base = { operations: options.operations, home: options.home, token: options.token };
  let app = await buildWebApp({ ...base, ...(options.dashboard ? { dashboard: options.dashboard } : {}) });
  try {
    await app.ready();
  } catch (error) {
    if (!options.dashboard) throw error;
    options.logger?.error('the dashboard failed to start; serving the CLI API only', {
      error: (error as Error).message,
    });
    await app.close().catch(() => {});
    app = await buildWebApp(base);
  }
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  writeServerFile({
    url,
    pid: process.pid,
    home: options.home,
    role: options.role,
    startedAt: new Date().toISOString(),
  });
  return {
    url,
    async close() {
      removeServerFile(options.home);
      await app.close();
    },
  };
}
