/**
 * Metadata stores for tests, one namespace each: PGlite in its own temp directory (copied from a migrated
 * template, because creating a PGlite cluster takes seconds) or a fresh Postgres schema.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { KyselyMetadataStore } from '../../src/adapters/metadata/kysely/kysely-metadata-store.ts';
import { openMetadataStoreAt } from '../../src/adapters/metadata/open-metadata-store.ts';

export const POSTGRES_URL = process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export type Backend = 'pglite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['pglite', 'postgres'];

const MIGRATIONS = join(import.meta.dirname, '../../src/adapters/metadata/kysely/migrations');

/** A migrated PGlite data dir shared by the tests of this machine (keyed by the migrations' content). */
async function pgliteTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS).sort()) hash.update(f).update(readFileSync(join(MIGRATIONS, f)));
  const dir = join(tmpdir(), `sluice-pglite-template-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, 'ready'))) return dir;
  const building = mkdtempSync(join(tmpdir(), 'sluice-pglite-build-'));
  const store = await openMetadataStoreAt({ pgliteDir: building });
  await store.close();
  writeFileSync(join(building, 'ready'), '');
  try {
    renameSync(building, dir);
  } catch {
    // Another test worker finished first: use its template.
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** A fresh PGlite metadata directory (migrated) under a new temp dir; returns the dir. */
export async function freshPgliteDir(parent?: string): Promise<string> {
  const template = await pgliteTemplate();
  const dir = parent ?? mkdtempSync(join(tmpdir(), 'sluice-meta-'));
  cpSync(join(template, 'pgdata'), join(dir, 'pgdata'), { recursive: true });
  return dir;
}

export interface TestStore {
  readonly store: KyselyMetadataStore;
  /** Open another store on the same namespace (Postgres only: a second "process"). */
  another(): Promise<KyselyMetadataStore>;
  cleanup(): Promise<void>;
}

/**
 * Open a store in its own namespace.
 *
 * @example const { store, cleanup } = await openTestStore('postgres')
 */
export async function openTestStore(backend: Backend): Promise<TestStore> {
  if (backend === 'pglite') {
    const dir = await freshPgliteDir();
    const store = await openMetadataStoreAt({ pgliteDir: dir });
    return {
      store,
      another: () => Promise.reject(new Error('PGlite is single-process')),
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `sluice_t_${randomBytes(6).toString('hex')}`;
  const store = await openMetadataStoreAt({ url: POSTGRES_URL, schema });
  const others: KyselyMetadataStore[] = [];
  return {
    store,
    async another() {
      const s = await openMetadataStoreAt({ url: POSTGRES_URL, schema, migrate: false });
      others.push(s);
      return s;
    },
    async cleanup() {
      await Promise.all([store, ...others].map((s) => s.close()));
      await dropSchema(schema);
    },
  };
}

/** Drop a test schema. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
