import type { Command } from 'commander';
import { SluiceError } from '../../core/errors/sluice-error.ts';

interface GenerateFlags {
  count?: string;
  files?: string;
  seed?: string;
  at?: string;
  spreadMinutes?: string;
  badShare?: string;
  unknownShare?: string;
  duplicateShare?: string;
  resendShare?: string;
  ext?: string;
  gzip?: boolean;
  outDir?: string;
  json?: boolean;
}

const ENTITIES = ['orders', 'products', 'customers'] as const;
type Entity = (typeof ENTITIES)[number];

function usage(message: string): SluiceError {
  return new SluiceError('E_USAGE', message);
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usage(`--${flag} must be a positive integer, got ${value}`);
  return n;
}

function share(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw usage(`--${flag} must be a number from 0 to 1, got ${value}`);
  return n;
}

/**
 * `sluice generate orders|products|customers`: sample data in the upstream format, into the bucket's
 * `landing/<entity>/` (or a plain folder with --out-dir), reproducible with --seed.
 */
export function register(program: Command): void {
  program
    .command('generate')
    .description('generate orders, products or customers in the upstream format into landing/<entity>/')
    .argument('<entity>', ENTITIES.join(' | '))
    .option('--count <n>', 'lines (orders) or rows (products, customers); default 1000 / 100 / 1000')
    .option('--files <n>', 'orders: number of files to spread the lines over (default 1)')
    .option('--seed <s>', 'seed of the generator; same seed, same bytes (default: random, printed)')
    .option('--at <iso>', 'orders are timestamped up to --spread-minutes before this instant (default: now)')
    .option('--spread-minutes <n>', 'orders: window before --at (default 60, like upstream)')
    .option('--bad-share <x>', 'orders: share of malformed lines, 0..1 (default 0)')
    .option(
      '--unknown-share <x>',
      'orders: share of customer/product ids missing from the catalogs (default: upstream ranges)',
    )
    .option('--duplicate-share <x>', 'orders: share of lines repeating an earlier order id (default 0)')
    .option('--resend-share <x>', 'orders: share of lines re-sending an earlier order, changed (default 0)')
    .option('--ext <ext>', 'orders: json | jsonl | ndjson (default json, like upstream)')
    .option('--gzip', 'orders: gzip the files (.gz)')
    .option('--out-dir <dir>', 'write into this folder (as a bucket root) instead of the configured bucket')
    .option('--json', 'print the summary as JSON')
    .action(async (entityArg: string, flags: GenerateFlags) => {
      if (!ENTITIES.includes(entityArg as Entity))
        throw usage(`unknown entity ${entityArg}: use one of ${ENTITIES.join(', ')}`);
      const entity = entityArg as Entity;
      const { parseIsoMicros } = await import('../../../scripts/generate/python-format.ts');
      let atMicros: number;
      try {
        atMicros = flags.at === undefined ? Date.now() * 1000 : parseIsoMicros(flags.at);
      } catch (error) {
        throw usage(`--at ${(error as Error).message}`);
      }
      const { randomInt } = await import('node:crypto');
      const seed = flags.seed ?? String(randomInt(2 ** 31));
      const store = await openTarget(flags.outDir);
      try {
        const summary = await run(entity, store, seed, atMicros, flags);
        if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          for (const f of summary.files)
            process.stdout.write(`wrote ${store.uri(f.name)} (${f.lines} lines, ${f.size} bytes)\n`);
          process.stdout.write(`${describe(summary)} (seed ${seed})\n`);
        }
      } finally {
        await store.close();
      }
    });
}

async function openTarget(outDir: string | undefined) {
  if (outDir !== undefined) {
    const { FilesystemObjectStore } = await import(
      '../../adapters/object-store/filesystem/filesystem-object-store.ts'
    );
    return new FilesystemObjectStore({ root: outDir });
  }
  const { loadConfig } = await import('../../config/config.ts');
  const { openObjectStore } = await import('../../adapters/object-store/open-object-store.ts');
  return openObjectStore(await loadConfig());
}

async function run(
  entity: Entity,
  store: Awaited<ReturnType<typeof openTarget>>,
  seed: string,
  atMicros: number,
  flags: GenerateFlags,
) {
  if (entity === 'products') {
    const { generateProducts } = await import('../../../scripts/generate/products.ts');
    return generateProducts(store, { seed, atMicros, count: positiveInt('count', flags.count, 100) });
  }
  if (entity === 'customers') {
    const { generateCustomers } = await import('../../../scripts/generate/customers.ts');
    return generateCustomers(store, { seed, atMicros, count: positiveInt('count', flags.count, 1000) });
  }
  const count = positiveInt('count', flags.count, 1000);
  const files = positiveInt('files', flags.files, 1);
  if (files > count) throw usage(`--files ${files} is more than --count ${count}`);
  const ext = flags.ext ?? 'json';
  if (ext !== 'json' && ext !== 'jsonl' && ext !== 'ndjson')
    throw usage(`--ext must be json, jsonl or ndjson, got ${ext}`);
  const shares = {
    badShare: share('bad-share', flags.badShare) ?? 0,
    duplicateShare: share('duplicate-share', flags.duplicateShare) ?? 0,
    resendShare: share('resend-share', flags.resendShare) ?? 0,
  };
  if (shares.badShare + shares.duplicateShare + shares.resendShare > 1)
    throw usage('--bad-share + --duplicate-share + --resend-share must not exceed 1');
  const unknownShare = share('unknown-share', flags.unknownShare);
  const { generateOrders } = await import('../../../scripts/generate/orders.ts');
  return generateOrders(store, {
    seed,
    atMicros,
    count,
    files,
    spreadMinutes: flags.spreadMinutes === '0' ? 0 : positiveInt('spread-minutes', flags.spreadMinutes, 60),
    ...shares,
    ...(unknownShare === undefined ? {} : { unknownShare }),
    extension: ext,
    gzip: flags.gzip ?? false,
  });
}

function describe(summary: { entity: string; files: readonly unknown[] }): string {
  const s = summary as unknown as Record<string, unknown>;
  if (summary.entity !== 'orders') return `${summary.entity}: ${s.rows} rows in ${summary.files.length} file`;
  return (
    `orders: ${s.lines} lines in ${summary.files.length} files: ${s.orders} orders, ` +
    `${s.malformed} malformed, ${s.duplicates} duplicates, ${s.resent} re-sent`
  );
}
