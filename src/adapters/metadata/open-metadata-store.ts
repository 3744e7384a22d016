/**
 * Builds the metadata store: Postgres through `pg` when `metadata.url` is set, otherwise PGlite in
 * `metadata.pgliteDir` (embedded; one process at a time, guarded by a lock file). Both through kysely's
 * PostgresDialect, so every query is the same SQL on both.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import type { SluiceConfig } from '../../config/config.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import type { MetadataStore } from '../../ports/metadata-store.ts';
import type { MetadataDatabase } from './kysely/database.ts';
import { KyselyMetadataStore } from './kysely/kysely-metadata-store.ts';
import { createPglitePool } from './kysely/pglite-pool.ts';

export interface OpenMetadataStoreOptions {
  /** `postgres://...`; when absent, PGlite in `pgliteDir`. */
  readonly url?: string;
  /** PGlite data directory (created if missing). */
  readonly pgliteDir?: string;
  /** Postgres schema for the tables (created if missing); `public` by default. Tests use one per test. */
  readonly schema?: string;
  /** Apply pending migrations after opening (default true). */
  readonly migrate?: boolean;
  /** Max Postgres connections (default 10). */
  readonly poolSize?: number;
  /**
   * Told when an idle Postgres connection breaks (server restart, network cut). The pool replaces the
   * connection on next use; without a listener Node would crash the process. Default: one line on stderr.
   */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * Open the store described by the configuration.
 *
 * @example const store = await openMetadataStore(config)
 */
export async function openMetadataStore(config: SluiceConfig): Promise<MetadataStore> {
  return openMetadataStoreAt({ url: config.metadata.url, pgliteDir: config.metadata.pgliteDir });
}

/** Open a store from explicit options (tests, tools). */
export async function openMetadataStoreAt(options: OpenMetadataStoreOptions): Promise<KyselyMetadataStore> {
  const store = options.url ? await openPostgres(options.url, options) : await openPglite(options);
  if (options.migrate ?? true) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

async function openPostgres(url: string, options: OpenMetadataStoreOptions): Promise<KyselyMetadataStore> {
  const { default: pg } = await import('pg');
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new SluiceError('E_CONFIG', `invalid metadata schema "${schema}"`);
  if (schema !== 'public') {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query(`create schema if not exists ${schema}`);
    } catch (error) {
      throw unreachable(url, error);
    } finally {
      await client.end().catch(() => {});
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema !== 'public' ? { options: `-c search_path=${schema}` } : {}),
  });
  // A connection can break while idle in the pool or while checked out between two queries of a transaction
  // (e.g. "terminating connection due to administrator command" while Postgres restarts). pg emits that on
  // the pool (idle) or the client (checked out); unheard, Node would crash the process. The pending query
  // fails on its own, the pool drops clients that are no longer queryable, the next query reconnects.
  const noteConnectionError =
    options.onConnectionError ??
    ((error: Error) =>
      process.stderr.write(
        `sluice: metadata database connection lost (${error.message}); reconnecting on next use\n`,
      ));
  pool.on('error', noteConnectionError);
  pool.on('connect', (client) => client.on('error', noteConnectionError));
  try {
    const c = await pool.connect();
    c.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw unreachable(url, error);
  }
  const db = new Kysely<MetadataDatabase>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyMetadataStore(db, { kind: 'postgres', schema });
}

function unreachable(url: string, error: unknown): SluiceError {
  const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return new SluiceError(
    'E_METADATA_UNREACHABLE',
    `cannot connect to the metadata database ${safe}: ${(error as Error).message}; check SLUICE_METADATA_URL`,
    { cause: error },
  );
}

async function openPglite(options: OpenMetadataStoreOptions): Promise<KyselyMetadataStore> {
  const dir = options.pgliteDir;
  if (!dir) throw new SluiceError('E_CONFIG', 'no metadata location: set SLUICE_METADATA_URL or SLUICE_HOME');
  mkdirSync(dir, { recursive: true });
  const release = acquireDirLock(dir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite(join(dir, 'pgdata'));
    await pglite.waitReady;
    const db = new Kysely<MetadataDatabase>({
      dialect: new PostgresDialect({ pool: createPglitePool(pglite) }),
    });
    return new KyselyMetadataStore(db, { kind: 'pglite', schema: 'public', onClose: release });
  } catch (error) {
    release();
    throw error;
  }
}

/** PGlite is a single-process database: refuse to open a directory another live process holds. */
function acquireDirLock(dir: string): () => void {
  const file = join(dir, 'sluice.lock');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid))
      throw new SluiceError(
        'E_METADATA_LOCKED',
        `the embedded metadata DB ${dir} is in use by process ${pid} (a running \`sluice standalone\`?); ` +
          'stop it, or let the CLI reach it through its API ($SLUICE_HOME/server.json)',
      );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
