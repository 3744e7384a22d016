/**
 * Applies the migrations in `./migrations` (one file per migration, `NNNN-name.ts`, applied in name order)
 * with kysely's Migrator. The migration table lives in the store's schema, so each test schema is migrated
 * on its own.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { SluiceError } from '../../../core/errors/sluice-error.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** Imports every `NNNN-*.ts` file of the migrations folder. */
class FolderMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}-.+\.ts$/.test(f)).sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      const mod = (await import(pathToFileURL(join(MIGRATIONS_DIR, file)).href)) as Migration;
      out[file.replace(/\.ts$/, '')] = mod;
    }
    return out;
  }
}

/**
 * Migrate to the latest version; returns the names applied.
 *
 * @example const applied = await migrateToLatest(db, 'public')
 */
export async function migrateToLatest(db: Kysely<any>, schema: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new FolderMigrationProvider(),
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new SluiceError(
      'E_METADATA_MIGRATION',
      `metadata migration ${failed} failed: ${(error as Error).message ?? String(error)}`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
