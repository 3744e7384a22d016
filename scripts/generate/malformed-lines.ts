/**
 * Line-level kinds of bad order input, each with the outcome DESIGN.md's validation rules give it. The
 * generators draw from these for `--bad-share`, and the bad-input corpus (test/fixtures/bad-input) uses the
 * same makers, so demo data and tests exercise the same cases.
 */
import { formatOrder, type Order, orderToPy } from './order-record.ts';
import { type PyValue, pyFloat, pyJsonDumps } from './python-format.ts';

export type ReasonCode =
  | 'invalid_json'
  | 'missing_required_field'
  | 'invalid_field_type'
  | 'invalid_field_value'
  | 'empty_items';

export interface MalformedKind {
  readonly kind: string;
  readonly reasonCode: ReasonCode;
  /** Field path that fails (`items[0].quantity`, 0-based like JSONPath); null for invalid_json. */
  readonly reasonDetail: string | null;
  /** The bad line (no newline), derived from a valid order so that everything else about it is realistic. */
  make(order: Order): string;
}

type Obj = { [key: string]: PyValue };

function mutate(order: Order, change: (o: Obj, firstItem: Obj) => void): string {
  const o = orderToPy(order);
  change(o, (o.items as Obj[])[0]!);
  return pyJsonDumps(o);
}

function kind(
  name: string,
  reasonCode: ReasonCode,
  reasonDetail: string | null,
  make: (order: Order) => string,
): MalformedKind {
  return { kind: name, reasonCode, reasonDetail, make };
}

/** Every line-level malformed kind, in a fixed order (seeded draws depend on it). */
export const MALFORMED_KINDS: readonly MalformedKind[] = [
  kind('not_json', 'invalid_json', null, (o) => `ERROR could not serialize order ${o.order_id}`),
  kind('truncated_line', 'invalid_json', null, (o) => {
    const line = formatOrder(o);
    return line.slice(0, Math.floor(line.length / 2));
  }),
  kind('json_array', 'invalid_json', null, (o) => `[${formatOrder(o)}]`),
  kind('python_nan', 'invalid_json', null, (o) =>
    mutate(o, (x) => {
      x.total_amount = pyFloat(Number.NaN);
    }),
  ),
  kind('missing_order_id', 'missing_required_field', 'order_id', (o) =>
    mutate(o, (x) => {
      delete x.order_id;
    }),
  ),
  kind('null_customer_id', 'missing_required_field', 'customer_id', (o) =>
    mutate(o, (x) => {
      x.customer_id = null;
    }),
  ),
  kind('missing_items', 'missing_required_field', 'items', (o) =>
    mutate(o, (x) => {
      delete x.items;
    }),
  ),
  kind('missing_item_quantity', 'missing_required_field', 'items[0].quantity', (o) =>
    mutate(o, (_, item) => {
      delete item.quantity;
    }),
  ),
  kind('order_id_number', 'invalid_field_type', 'order_id', (o) =>
    mutate(o, (x) => {
      x.order_id = 1000 + (o.order_id.charCodeAt(0) % 9);
    }),
  ),
  kind('total_amount_string', 'invalid_field_type', 'total_amount', (o) =>
    mutate(o, (x) => {
      x.total_amount = String(o.total_amount);
    }),
  ),
  kind('quantity_string', 'invalid_field_type', 'items[0].quantity', (o) =>
    mutate(o, (_, item) => {
      item.quantity = String(o.items[0]!.quantity);
    }),
  ),
  kind('shipping_address_string', 'invalid_field_type', 'shipping_address', (o) =>
    mutate(o, (x) => {
      const a = o.shipping_address;
      x.shipping_address = `${a.street}, ${a.city}, ${a.state} ${a.zipcode}`;
    }),
  ),
  kind('negative_quantity', 'invalid_field_value', 'items[0].quantity', (o) =>
    mutate(o, (_, item) => {
      item.quantity = -1;
    }),
  ),
  kind('fractional_quantity', 'invalid_field_value', 'items[0].quantity', (o) =>
    mutate(o, (_, item) => {
      item.quantity = pyFloat(1.5);
    }),
  ),
  kind('zero_quantity', 'invalid_field_value', 'items[0].quantity', (o) =>
    mutate(o, (_, item) => {
      item.quantity = 0;
    }),
  ),
  kind('negative_unit_price', 'invalid_field_value', 'items[0].unit_price', (o) =>
    mutate(o, (_, item) => {
      item.unit_price = pyFloat(-o.items[0]!.unit_price);
    }),
  ),
  kind('negative_total_amount', 'invalid_field_value', 'total_amount', (o) =>
    mutate(o, (x) => {
      x.total_amount = pyFloat(-o.total_amount);
    }),
  ),
  kind('empty_order_id', 'invalid_field_value', 'order_id', (o) =>
    mutate(o, (x) => {
      x.order_id = '';
    }),
  ),
  kind('timestamp_slashes', 'invalid_field_value', 'order_timestamp', (o) =>
    mutate(o, (x) => {
      x.order_timestamp = o.order_timestamp.slice(0, 19).replaceAll('-', '/').replace('T', ' ');
    }),
  ),
  kind('timestamp_seven_digit_fraction', 'invalid_field_value', 'order_timestamp', (o) =>
    mutate(o, (x) => {
      x.order_timestamp = `${o.order_timestamp.slice(0, 19)}.1234567`;
    }),
  ),
  kind('unknown_payment_status', 'invalid_field_value', 'payment_status', (o) =>
    mutate(o, (x) => {
      x.payment_status = 'refunded';
    }),
  ),
  kind('empty_items', 'empty_items', 'items', (o) =>
    mutate(o, (x) => {
      x.items = [];
    }),
  ),
];

/** Look up a kind by name; throws listing the known names. */
export function malformedKind(name: string): MalformedKind {
  const found = MALFORMED_KINDS.find((k) => k.kind === name);
  if (!found)
    throw new Error(
      `unknown malformed kind ${name}; known: ${MALFORMED_KINDS.map((k) => k.kind).join(', ')}`,
    );
  return found;
}
