/**
 * `$SLUICE_HOME/server.json`: where a running `sluice standalone` / `sluice web` can be reached. Embedded
 * stores (PGlite, DuckDB) allow one process, so the CLI sends its commands there while the server lives.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerInfo {
  readonly url: string;
  readonly pid: number;
  readonly home: string;
  /** `standalone` or `web`. */
  readonly role: string;
  readonly startedAt: string;
}

/** Path of the server file of a home directory. */
export function serverFilePath(home: string): string {
  return join(home, 'server.json');
}

/** Write the server file atomically. */
export function writeServerFile(info: ServerInfo): void {
  const file = serverFilePath(info.home);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Remove the server file if it is ours. */
export function removeServerFile(home: string, pid = process.pid): void {
  const info = readServerFile(home);
  if (info && info.pid === pid) rmSync(serverFilePath(home), { force: true });
}

/** The server file's content, or undefined when absent or unreadable. */
export function readServerFile(home: string): ServerInfo | undefined {
  const file = serverFilePath(home);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ServerInfo;
  } catch {
    return undefined;
  }
}

/**
 * The live server of this home: its process exists and answers `/api/cli/health` for the same home.
 *
 * @example const server = await findLiveServer(config.home); if (server) use new ApiClient(server.url)
 */
export async function findLiveServer(home: string, token?: string): Promise<ServerInfo | undefined> {
  const info = readServerFile(home);
  if (!info || !pidAlive(info.pid)) return undefined;
  try {
    const res = await fetch(`${info.url}/api/cli/health`, {
      signal: AbortSignal.timeout(2_000),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { home?: string };
    return body.home === info.home ? info : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
