/**
 * The product catalog generator: a daily full snapshot CSV in exactly the upstream format
 * (`product_id,product_name,category,price,stock_level`, Python csv rows with CRLF).
 */
import type { ObjectStore } from '../../src/ports/object-store.ts';
import { compactTimestamp } from './orders.ts';
import { createPrng } from './prng.ts';
import { pyCsvRow, pyFloatRepr, pyRound2 } from './python-format.ts';
import { writeLines } from './write-lines.ts';

export const PRODUCT_HEADER = ['product_id', 'product_name', 'category', 'price', 'stock_level'] as const;
export const CATEGORIES = ['Electronics', 'Clothing', 'Home & Garden', 'Sports', 'Books'] as const;

export interface ProductsOptions {
  readonly seed: string;
  /** Products PROD-<first>..PROD-<first+count-1> (upstream: 100 from 1000). */
  readonly count?: number;
  readonly first?: number;
  readonly atMicros: number;
  readonly prefix?: string;
}

export interface CatalogSummary {
  readonly entity: 'products' | 'customers';
  readonly seed: string;
  readonly files: readonly { name: string; lines: number; size: number }[];
  readonly rows: number;
}

/**
 * The CSV rows (header first), each ending in CRLF.
 *
 * @example [...productRows({ seed: '1', atMicros })][0] === 'product_id,product_name,category,price,stock_level\r\n'
 */
export function* productRows(options: ProductsOptions): Generator<string> {
  const rng = createPrng(`products:${options.seed}`);
  const first = options.first ?? 1000;
  yield pyCsvRow(PRODUCT_HEADER);
  for (let id = first; id < first + (options.count ?? 100); id++) {
    const category = rng.choice(CATEGORIES);
    const price = pyRound2(rng.uniform(10, 500));
    yield pyCsvRow([
      `PROD-${id}`,
      `${category} Product ${id}`,
      category,
      pyFloatRepr(price),
      rng.int(0, 1000),
    ]);
  }
}

/** Object name of the snapshot, e.g. `landing/products/products_20260101T000000_42.csv`. */
export function productsFileName(options: ProductsOptions): string {
  return `${options.prefix ?? 'landing/products/'}products_${compactTimestamp(options.atMicros)}_${slug(options.seed)}.csv`;
}

/**
 * Write one product snapshot to the object store.
 *
 * @example await generateProducts(store, { seed: '42', atMicros })
 */
export async function generateProducts(
  store: ObjectStore,
  options: ProductsOptions,
): Promise<CatalogSummary> {
  const info = await writeLines(store, productsFileName(options), productRows(options));
  const rows = options.count ?? 100;
  return {
    entity: 'products',
    seed: options.seed,
    files: [{ name: info.name, lines: rows + 1, size: info.size }],
    rows,
  };
}

function slug(seed: string): string {
  return seed.replace(/[^A-Za-z0-9-]/g, '').slice(0, 16) || 'seed';
}
