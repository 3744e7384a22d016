/**
 * Product and customer snapshot CSVs for tests: the upstream samples as they are, and copies with chosen
 * changes (tier changes, price changes) or broken rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES = '/work/shared/samples/upstream-generators';
export const PRODUCT_COLUMNS = ['product_id', 'product_name', 'category', 'price', 'stock_level'];
export const CUSTOMER_COLUMNS = ['customer_id', 'name', 'email', 'registration_date', 'customer_tier'];

export function sampleProducts(): string {
  return readFileSync(join(SAMPLES, 'products_sample.csv'), 'utf8');
}

export function sampleCustomers(): string {
  return readFileSync(join(SAMPLES, 'customers_sample.csv'), 'utf8');
}

/** Parse a simple CSV (no quoted commas, as the upstream files are) into header + rows. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`;
}

/** The customer sample with new tiers for the given customers. */
export function withTiers(text: string, tiers: Readonly<Record<string, string>>): string {
  const { header, rows } = parseCsv(text);
  return toCsv(
    header,
    rows.map((r) => (tiers[r[0]!] ? [...r.slice(0, 4), tiers[r[0]!]!] : r)),
  );
}

/** The product sample with new prices for the given products. */
export function withPrices(text: string, prices: Readonly<Record<string, string>>): string {
  const { header, rows } = parseCsv(text);
  return toCsv(
    header,
    rows.map((r) => (prices[r[0]!] ? [...r.slice(0, 3), prices[r[0]!]!, r[4]!] : r)),
  );
}
