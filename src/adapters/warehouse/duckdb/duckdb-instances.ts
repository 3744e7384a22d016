/**
 * One DuckDB instance per database file per process. DuckDB's file lock only excludes other processes: two
 * instances on one file inside this process would both write it. Sessions share the instance (each with its
 * own connection) and the last one to close releases the file for other processes, at once or, when it asks
 * for it (`keepOpenMs`), after a short idle time so that the next session of this process (the next task of
 * a run on the in-process executor) finds the instance and its buffer cache warm.
 */
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

interface Entry {
  readonly instance: Promise<DuckDBInstance>;
  users: number;
  /** The pending close of an instance nobody uses, kept open for a while. */
  idle?: NodeJS.Timeout;
  /** The file's identity when opened: a file deleted and created again at the same path is another database. */
  file?: string;
  /** The instance once open (closing at process exit must be synchronous). */
  ready?: DuckDBInstance;
}

const open = new Map<string, Entry>();

/** device:inode of `path`, or undefined when there is no such file. */
function identityOf(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

function closeEntry(path: string, entry: Entry): void {
  if (entry.idle) clearTimeout(entry.idle);
  entry.idle = undefined;
  if (open.get(path) === entry) open.delete(path);
  if (entry.ready) entry.ready.closeSync();
  else
    entry.instance.then(
      (instance) => instance.closeSync(),
      () => undefined,
    );
}

/** Get (or open) the shared instance of `path`; pair every call with `releaseInstance(path)`. */
export async function acquireInstance(
  path: string,
  options: Record<string, string>,
): Promise<DuckDBInstance> {
  if (path === ':memory:') return DuckDBInstance.create(path, options);
  let entry = open.get(path);
  if (entry && entry.users === 0 && entry.file !== identityOf(path)) {
    // Kept open idle, but the file it holds is gone (a new SLUICE_HOME at the same path): not this database.
    closeEntry(path, entry);
    entry = undefined;
  }
  if (!entry) {
    const created: Entry = { instance: DuckDBInstance.create(path, options), users: 0 };
    entry = created;
    open.set(path, created);
    created.instance.then(
      (instance) => {
        created.ready = instance;
        created.file = identityOf(path);
      },
      () => {
        if (open.get(path) === created) open.delete(path);
      },
    );
  }
  if (entry.idle) clearTimeout(entry.idle);
  entry.idle = undefined;
  entry.users++;
  try {
    return await entry.instance;
  } catch (error) {
    entry.users--;
    throw error;
  }
}

/**
 * Drop one user of `path`'s instance. The last one closes it, which frees the file lock: at once, or after
 * `keepOpenMs` without a new user (the timer does not keep the process alive; `closeIdleInstances` runs at
 * exit).
 */
export async function releaseInstance(path: string, instance: DuckDBInstance, keepOpenMs = 0): Promise<void> {
  if (path === ':memory:') {
    instance.closeSync();
    return;
  }
  const entry = open.get(path);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  if (keepOpenMs > 0) {
    // No timer is pending here: acquireInstance clears it when a user arrives.
    entry.idle = setTimeout(() => {
      if (entry.users <= 0) closeEntry(path, entry);
    }, keepOpenMs);
    entry.idle.unref();
    return;
  }
  closeEntry(path, entry);
}

/** Close every instance that is only kept open idle (engine shutdown, process exit). */
export function closeIdleInstances(): void {
  for (const [path, entry] of [...open]) if (entry.users <= 0) closeEntry(path, entry);
}

process.once('exit', closeIdleInstances);
