/**
 * One DuckDB instance per database file per process. DuckDB's file lock only excludes other processes: two
 * instances on one file inside this process would both write it. Sessions share the instance (each with its
 * own connection) and the last one to close releases the file for other processes.
 */
import { DuckDBInstance } from '@duckdb/node-api';

interface Entry {
  readonly instance: Promise<DuckDBInstance>;
  users: number;
}

const open = new Map<string, Entry>();

/** Get (or open) the shared instance of `path`; pair every call with `releaseInstance(path)`. */
export async function acquireInstance(
  path: string,
  options: Record<string, string>,
): Promise<DuckDBInstance> {
  if (path === ':memory:') return DuckDBInstance.create(path, options);
  let entry = open.get(path);
  if (!entry) {
    entry = { instance: DuckDBInstance.create(path, options), users: 0 };
    open.set(path, entry);
    entry.instance.catch(() => {
      if (open.get(path) === entry) open.delete(path);
    });
  }
  entry.users++;
  try {
    return await entry.instance;
  } catch (error) {
    entry.users--;
    throw error;
  }
}

/** Drop one user of `path`'s instance; the last one closes it, which frees the file lock. */
export async function releaseInstance(path: string, instance: DuckDBInstance): Promise<void> {
  if (path === ':memory:') {
    instance.closeSync();
    return;
  }
  const entry = open.get(path);
  if (!entry) return;
  entry.users--;
  if (entry.users <= 0) {
    open.delete(path);
    (await entry.instance).closeSync();
  }
}
