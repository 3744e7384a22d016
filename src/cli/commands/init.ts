/**
 * `sluice init`: create or upgrade what Sluice needs, idempotently: the metadata DB (migrations), the pools
 * (`default`, and `warehouse` with 1 slot on a single-writer warehouse such as DuckDB), the bucket folders,
 * and the warehouse tables of `tables/index.ts`. Says what it created, or that nothing changed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';

const BUCKET_FOLDERS = [
  'landing/orders',
  'landing/products',
  'landing/customers',
  'archive',
  'reports',
  'rejected',
];

/** Register `sluice init`. */
export function register(program: Command): void {
  program
    .command('init')
    .description('create or upgrade the metadata DB, pools, bucket folders and warehouse tables (idempotent)')
    .option('--json', 'print what was created as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { cliConfig } = await import('../compose.ts');
      const config = await cliConfig();
      const { findLiveServer } = await import('../../web/server-file.ts');
      const server = await findLiveServer(config.home, config.web.token);
      if (server)
        throw new UsageError(
          `a Sluice server (pid ${server.pid}, ${server.url}) holds ${config.home}; stop it before \`sluice init\``,
        );
      const report = await init(config);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines: string[] = [];
      if (report.migrations.length)
        lines.push(`metadata: applied migrations ${report.migrations.join(', ')}`);
      if (report.pools.length) lines.push(`pools: created ${report.pools.join(', ')}`);
      if (report.folders.length) lines.push(`bucket: created ${report.folders.join(', ')}`);
      if (report.tables.created.length)
        lines.push(`warehouse: created tables ${report.tables.created.join(', ')}`);
      if (lines.length === 0) {
        const tables = report.tables.unchanged.length ? `, ${report.tables.unchanged.length} tables` : '';
        lines.push(
          `nothing changed: metadata, pools, bucket folders${tables} already exist (${config.home})`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

interface InitReport {
  readonly home: string;
  readonly metadata: string;
  readonly migrations: string[];
  readonly pools: string[];
  readonly folders: string[];
  readonly tables: { created: string[]; unchanged: string[] };
}

async function init(config: import('../../config/config.ts').SluiceConfig): Promise<InitReport> {
  mkdirSync(config.home, { recursive: true });
  const { openMetadataStoreAt } = await import('../../adapters/metadata/open-metadata-store.ts');
  const { openWarehouse } = await import('../../adapters/warehouse/open-warehouse.ts');
  const store = await openMetadataStoreAt({
    url: config.metadata.url,
    pgliteDir: config.metadata.pgliteDir,
    migrate: false,
  });
  const warehouse = await openWarehouse(config);
  try {
    const migrations = await store.migrate();
    const { ensureDefaultPools, DEFAULT_POOL_SLOTS } = await import('../compose.ts');
    const pools = await ensureDefaultPools(config, store);
    const warehouseSlots = (await store.listPools()).find((p) => p.name === 'warehouse')?.slots ?? 1;
    const folders: string[] = [];
    if (config.storage.kind === 'local') {
      for (const folder of BUCKET_FOLDERS) {
        const path = join(config.storage.localRoot, folder);
        if (!existsSync(path)) {
          mkdirSync(path, { recursive: true });
          folders.push(folder);
        }
      }
    }
    let tables = { created: [] as string[], unchanged: [] as string[] };
    const index = join(config.projectDir, 'tables', 'index.ts');
    if (existsSync(index)) {
      const { allTables } = (await import(pathToFileURL(index).href)) as {
        allTables: readonly import('../../ports/table-definition.ts').TableDefinition[];
      };
      const r = await warehouse.ensureTables(allTables);
      tables = { created: [...r.created], unchanged: [...r.unchanged] };
    }
    return {
      home: config.home,
      metadata: store.kind,
      migrations,
      pools: pools.map((p) =>
        p === 'warehouse'
          ? `warehouse (${warehouseSlots} slot${warehouseSlots > 1 ? 's' : ''})`
          : `${p} (${DEFAULT_POOL_SLOTS} slots)`,
      ),
      folders,
      tables,
    };
  } finally {
    await warehouse.close();
    await store.close();
  }
}
