/**
 * One upstream order: how the original Python generator draws it, and how it serializes it (json.dumps with
 * the sample's key order). `formatOrder(JSON.parse(line))` reproduces every line of the upstream sample.
 */
import type { Prng } from './prng.ts';
import { type PyValue, pyFloat, pyFloatRepr, pyIsoformat, pyJsonDumps, pyRound2 } from './python-format.ts';

export interface OrderItem {
  readonly product_id: string;
  readonly quantity: number;
  readonly unit_price: number;
}

export interface ShippingAddress {
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly zipcode: string;
  readonly country: string;
}

/** An order as the upstream generator emits it. */
export interface Order {
  readonly order_id: string;
  readonly customer_id: string;
  readonly order_timestamp: string;
  readonly items: readonly OrderItem[];
  readonly total_amount: number;
  readonly payment_status: string;
  readonly shipping_address: ShippingAddress;
}

export const PAYMENT_STATUSES = ['completed', 'pending', 'failed'] as const;

/** The five cities of the upstream generator, with their states. */
export const CITIES: readonly (readonly [string, string])[] = [
  ['New York', 'NY'],
  ['Los Angeles', 'CA'],
  ['Chicago', 'IL'],
  ['Houston', 'TX'],
  ['Phoenix', 'AZ'],
];

/** Id ranges: upstream orders reference CUST-1000..5000 and PROD-1000..9999; the catalogs hold fewer. */
export interface ReferenceRanges {
  readonly customers: { readonly first: number; readonly last: number };
  readonly products: { readonly first: number; readonly last: number };
  /** Catalog sizes (ids first..first+count-1 exist in the dimension files). */
  readonly customerCatalog: number;
  readonly productCatalog: number;
  /**
   * Share of references that miss the catalog. Undefined: draw uniformly from the full upstream ranges, as
   * upstream does (about 75% of customers and 99% of products unknown).
   */
  readonly unknownShare?: number;
}

export const UPSTREAM_RANGES: ReferenceRanges = {
  customers: { first: 1000, last: 5000 },
  products: { first: 1000, last: 9999 },
  customerCatalog: 1000,
  productCatalog: 100,
};

function drawId(rng: Prng, first: number, last: number, catalog: number, unknownShare?: number): number {
  if (unknownShare === undefined) return rng.int(first, last);
  const lastKnown = first + catalog - 1;
  return rng.chance(unknownShare) && lastKnown < last
    ? rng.int(lastKnown + 1, last)
    : rng.int(first, lastKnown);
}

/**
 * Sum of unit_price * quantity in item order, rounded as Python's round(sum(...), 2).
 *
 * @example orderTotal([{ product_id: 'PROD-1', quantity: 3, unit_price: 0.1 }]) === 0.3
 */
export function orderTotal(items: readonly OrderItem[]): number {
  let sum = 0;
  for (const item of items) sum += item.unit_price * item.quantity;
  return pyRound2(sum);
}

/**
 * Draw one order like the upstream generator, `minutesBefore` in [0, spreadMinutes] minutes before `atMicros`.
 *
 * @example makeOrder(createPrng('1'), parseIsoMicros('2026-01-01T10:00:00'), 60, UPSTREAM_RANGES)
 */
export function makeOrder(
  rng: Prng,
  atMicros: number,
  spreadMinutes: number,
  ranges: ReferenceRanges,
): Order {
  const orderId = rng.uuid4();
  const customer = drawId(
    rng,
    ranges.customers.first,
    ranges.customers.last,
    ranges.customerCatalog,
    ranges.unknownShare,
  );
  const minutes = rng.int(0, spreadMinutes);
  const itemCount = rng.int(1, 5);
  const items: OrderItem[] = [];
  for (let i = 0; i < itemCount; i++) {
    const product = drawId(
      rng,
      ranges.products.first,
      ranges.products.last,
      ranges.productCatalog,
      ranges.unknownShare,
    );
    items.push({
      product_id: `PROD-${product}`,
      quantity: rng.int(1, 3),
      unit_price: pyRound2(rng.uniform(10, 500)),
    });
  }
  const [city, state] = rng.choice(CITIES);
  return {
    order_id: orderId,
    customer_id: `CUST-${customer}`,
    order_timestamp: pyIsoformat(atMicros - minutes * 60_000_000),
    items,
    total_amount: orderTotal(items),
    payment_status: rng.choice(PAYMENT_STATUSES),
    shipping_address: {
      street: `${rng.int(100, 9999)} Main St`,
      city,
      state,
      zipcode: String(rng.int(10000, 99999)),
      country: 'USA',
    },
  };
}

/** The order as a Python value (floats marked), for mutation by the malformed-line makers. */
export function orderToPy(order: Order): { [key: string]: PyValue } {
  return {
    order_id: order.order_id,
    customer_id: order.customer_id,
    order_timestamp: order.order_timestamp,
    items: order.items.map((i) => ({
      product_id: i.product_id,
      quantity: i.quantity,
      unit_price: pyFloat(i.unit_price),
    })),
    total_amount: pyFloat(order.total_amount),
    payment_status: order.payment_status,
    shipping_address: { ...order.shipping_address },
  };
}

// Ids, statuses and addresses the generator draws are plain ASCII without quotes or backslashes, so the fast
// path can skip escaping; anything else goes through the general json.dumps.
const PLAIN = /^[\u0020-\u007e]*$/;
const NEEDS_ESCAPE = /["\\]/;

function plain(s: string): boolean {
  return PLAIN.test(s) && !NEEDS_ESCAPE.test(s);
}

/**
 * The order exactly as upstream's `json.dumps(order)` writes it (no trailing newline).
 *
 * @example formatOrder(order).startsWith('{"order_id": "')
 */
export function formatOrder(order: Order): string {
  const a = order.shipping_address;
  if (
    !(
      plain(order.order_id) &&
      plain(order.customer_id) &&
      plain(order.order_timestamp) &&
      plain(order.payment_status) &&
      plain(a.street) &&
      plain(a.city) &&
      plain(a.state) &&
      plain(a.zipcode) &&
      plain(a.country) &&
      order.items.every((i) => plain(i.product_id) && Number.isInteger(i.quantity))
    )
  )
    return pyJsonDumps(orderToPy(order));
  let items = '';
  for (const item of order.items) {
    if (items !== '') items += ', ';
    items += `{"product_id": "${item.product_id}", "quantity": ${item.quantity}, "unit_price": ${pyFloatRepr(item.unit_price)}}`;
  }
  return (
    `{"order_id": "${order.order_id}", "customer_id": "${order.customer_id}", ` +
    `"order_timestamp": "${order.order_timestamp}", "items": [${items}], ` +
    `"total_amount": ${pyFloatRepr(order.total_amount)}, "payment_status": "${order.payment_status}", ` +
    `"shipping_address": {"street": "${a.street}", "city": "${a.city}", "state": "${a.state}", ` +
    `"zipcode": "${a.zipcode}", "country": "${a.country}"}}`
  );
}
