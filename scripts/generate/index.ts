/**
 * The generators' public surface, for `sluice generate`, `sluice demo`, tests and benches.
 *
 * @example
 * const objects = new FilesystemObjectStore({ root: dir, durable: false }); // a plain folder for benches
 * await generateOrders(objects, { seed: '42', count: 1_000_000, files: 20, atMicros: parseIsoMicros('2026-01-01T10:15:00Z') });
 */
export { customerRows, customersFileName, generateCustomers } from './customers.ts';
export { MALFORMED_KINDS, type MalformedKind, malformedKind, type ReasonCode } from './malformed-lines.ts';
export { formatOrder, makeOrder, type Order, orderTotal, UPSTREAM_RANGES } from './order-record.ts';
export {
  type GeneratedLine,
  generateOrders,
  type LineTruth,
  type OrdersOptions,
  type OrdersSummary,
  orderFileNames,
  orderLines,
} from './orders.ts';
export { createPrng, type Prng } from './prng.ts';
export { type CatalogSummary, generateProducts, productRows, productsFileName } from './products.ts';
export { parseIsoMicros, pyIsoformat } from './python-format.ts';
