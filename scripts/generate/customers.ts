/**
 * The customer generator: a daily full snapshot CSV in exactly the upstream format
 * (`customer_id,name,email,registration_date,customer_tier`, Python csv rows with CRLF).
 */
import type { ObjectStore } from '../../src/ports/object-store.ts';
import { compactTimestamp } from './orders.ts';
import { createPrng } from './prng.ts';
import type { CatalogSummary } from './products.ts';
import { pyCsvRow, pyDateIsoformat } from './python-format.ts';
import { writeLines } from './write-lines.ts';

export const CUSTOMER_HEADER = [
  'customer_id',
  'name',
  'email',
  'registration_date',
  'customer_tier',
] as const;
export const TIERS = ['bronze', 'silver', 'gold'] as const;

const DAY_MICROS = 86_400_000_000;

export interface CustomersOptions {
  readonly seed: string;
  /** Customers CUST-<first>..CUST-<first+count-1> (upstream: 1000 from 1000). */
  readonly count?: number;
  readonly first?: number;
  /** Registration dates fall 1..365 days before this instant. */
  readonly atMicros: number;
  readonly prefix?: string;
}

/**
 * The CSV rows (header first), each ending in CRLF.
 *
 * @example [...customerRows({ seed: '1', atMicros })][1].startsWith('CUST-1000,Customer 1000,customer1000@example.com,')
 */
export function* customerRows(options: CustomersOptions): Generator<string> {
  const rng = createPrng(`customers:${options.seed}`);
  const first = options.first ?? 1000;
  yield pyCsvRow(CUSTOMER_HEADER);
  for (let id = first; id < first + (options.count ?? 1000); id++) {
    const registered = pyDateIsoformat(options.atMicros - rng.int(1, 365) * DAY_MICROS);
    yield pyCsvRow([
      `CUST-${id}`,
      `Customer ${id}`,
      `customer${id}@example.com`,
      registered,
      rng.choice(TIERS),
    ]);
  }
}

/** Object name of the snapshot, e.g. `landing/customers/customers_20260101T000000_42.csv`. */
export function customersFileName(options: CustomersOptions): string {
  const slug = options.seed.replace(/[^A-Za-z0-9-]/g, '').slice(0, 16) || 'seed';
  return `${options.prefix ?? 'landing/customers/'}customers_${compactTimestamp(options.atMicros)}_${slug}.csv`;
}

/**
 * Write one customer snapshot to the object store.
 *
 * @example await generateCustomers(store, { seed: '42', atMicros })
 */
export async function generateCustomers(
  store: ObjectStore,
  options: CustomersOptions,
): Promise<CatalogSummary> {
  const info = await writeLines(store, customersFileName(options), customerRows(options));
  const rows = options.count ?? 1000;
  return {
    entity: 'customers',
    seed: options.seed,
    files: [{ name: info.name, lines: rows + 1, size: info.size }],
    rows,
  };
}
