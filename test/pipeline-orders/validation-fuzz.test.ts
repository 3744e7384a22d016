/**
 * The two DuckDB implementations of the order rules (stage_orders decides "valid or not" in one pass, with a
 * regular-expression shortcut for the common item shape; quarantine_lines names the first failing rule) agree
 * with the reference validator (test/fixtures/bad-input/reference-validator.ts, plain TypeScript) on a
 * deterministic set of mutated orders: every line kept or quarantined exactly as the reference says, with the
 * same reason code and field path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrng, formatOrder } from '../../scripts/generate/index.ts';
import { validateLine } from '../fixtures/bad-input/reference-validator.ts';
import { orders } from './order-data.ts';
import { openSqlHarness, type SqlHarness } from './sql-harness.ts';

const BATCH = 'fuzz';

/**
 * JSON values the mutations put in place of a field. Numbers beyond DECIMAL(38,9) are left out: the reference
 * cannot represent them (the pipeline quarantines them as invalid_field_value, see ADR 0016).
 */
const ODD_VALUES: readonly string[] = [
  'null',
  '""',
  '"x"',
  '"12"',
  '0',
  '-0.0',
  '1',
  '2.0',
  '1.5',
  '-3',
  '1e2',
  '1e-7',
  'true',
  'false',
  '[]',
  '[1]',
  '{}',
  '{"a": 1}',
  '" "',
  '"\\u0041B"',
  '"PROD-\\"q"',
];

/** Mutations of one upstream line (as text), each producing a new line. */
function mutations(line: string, rand: () => number, pick: <T>(xs: readonly T[]) => T): string[] {
  const o = JSON.parse(line) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const out: string[] = [];
  const top = [
    'order_id',
    'customer_id',
    'order_timestamp',
    'items',
    'total_amount',
    'payment_status',
    'shipping_address',
  ];
  const itemKeys = ['product_id', 'quantity', 'unit_price'];
  const raw = (obj: unknown, swaps: Record<string, string>) => {
    // Serialize, then splice raw JSON values in (so NaN-free odd values keep their exact text).
    let text = JSON.stringify(obj, (_k, v) => v);
    for (const [marker, value] of Object.entries(swaps)) text = text.replace(`"${marker}"`, value);
    return text;
  };
  for (let n = 0; n < 6; n++) {
    const copy = structuredClone(o);
    const field = pick(top);
    const value = pick(ODD_VALUES);
    (copy as Record<string, unknown>)[field] = '@@V@@';
    out.push(raw(copy, { '@@V@@': value }));
  }
  for (let n = 0; n < 6; n++) {
    const copy = structuredClone(o);
    const i = Math.floor(rand() * copy.items.length);
    copy.items[i]![pick(itemKeys)] = '@@V@@';
    out.push(raw(copy, { '@@V@@': pick(ODD_VALUES) }));
  }
  const absent = structuredClone(o);
  delete (absent as Record<string, unknown>)[pick(top)];
  out.push(JSON.stringify(absent));
  const itemAbsent = structuredClone(o);
  delete itemAbsent.items[0]![pick(itemKeys)];
  out.push(JSON.stringify(itemAbsent));
  // Valid variations: other key order, extra keys, spaces, an item that is 2.0 or has an extra field.
  const reordered = Object.fromEntries(Object.entries(o).reverse());
  out.push(JSON.stringify(reordered));
  out.push(JSON.stringify({ ...o, extra: { nested: [1, 2, { deep: null }] } }));
  out.push(JSON.stringify(o, null, 1).replaceAll('\n', ' '));
  out.push(raw({ ...o, items: [{ ...o.items[0], quantity: '@@Q@@', note: 'x' }] }, { '@@Q@@': '2.0' }));
  out.push(
    JSON.stringify({
      ...o,
      order_timestamp: pick([
        '2026-01-01 10:00:00',
        '2026-01-01T10:00:00+05:30',
        '2026-01-01T10:00:00.1Z',
        '2026-01-01T10:00:00.1234567',
        '2026-02-29T10:00:00',
        '2026-01-01T24:00:00',
        '2026-01-01T10:00:00+24:00',
      ]),
    }),
  );
  // Not JSON, or not strictly: NaN in an extra field, a trailing comma deep inside.
  out.push(line.replace('"country": "USA"}', '"country": "USA",}'));
  out.push(line.replace('{"order_id"', '{"score": NaN, "order_id"'));
  out.push(line.slice(0, Math.floor(rand() * line.length)));
  return out;
}

describe('order rules: stage_orders and quarantine_lines agree with the reference validator', () => {
  let h: SqlHarness;
  const lines: string[] = [];

  beforeAll(async () => {
    h = await openSqlHarness();
    const prng = createPrng('fuzz');
    const rand = () => prng.next();
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    for (const o of orders('fuzz-base', 60, '2026-01-01T10:00:00Z')) {
      const line = formatOrder(o);
      lines.push(line, ...mutations(line, rand, pick));
    }
    // Every line its own order_id, so no line is a duplicate of another.
    const unique = lines.map((l, i) =>
      l.replace(/"order_id": ?"([^"]*)"/, (_m, id) => `"order_id": "${id}-${i}"`),
    );
    lines.splice(0, lines.length, ...unique);
    await h.objects.write('landing/orders/fuzz.jsonl', `${lines.join('\n')}\n`);
    const uri = h.objects.uri('landing/orders/fuzz.jsonl');
    await h.warehouse.loadLines({
      uris: [uri],
      table: 'staging_orders_raw',
      constants: { batch_id: BATCH },
      sourceNames: { [uri]: 'landing/orders/fuzz.jsonl' },
    });
    await h.run('sql/orders/stage_orders', { batch_id: BATCH });
    await h.run('sql/orders/quarantine_lines', { batch_id: BATCH });
  });
  afterAll(() => h?.close());

  it('gives every line the reference outcome, reason and field path', async () => {
    const kept = new Set(
      (await h.query<{ line_number: number }>('SELECT line_number FROM ecommerce_data.staging_orders')).map(
        (r) => r.line_number,
      ),
    );
    const quarantined = new Map(
      (
        await h.query<{ line_number: number; reason_code: string; reason_detail: string | null }>(
          'SELECT line_number, reason_code, reason_detail FROM ecommerce_data.quarantine_orders',
        )
      ).map((r) => [r.line_number, `${r.reason_code} ${r.reason_detail}`]),
    );
    const mismatches: string[] = [];
    let keptCount = 0;
    lines.forEach((text, i) => {
      const n = i + 1;
      const verdict = validateLine(Buffer.from(text));
      if (verdict.outcome === 'skipped') return;
      const want = verdict.outcome === 'kept' ? 'kept' : `${verdict.reason_code} ${verdict.reason_detail}`;
      const got = kept.has(n) ? 'kept' : (quarantined.get(n) ?? 'nowhere');
      if (verdict.outcome === 'kept') keptCount++;
      if (want !== got) mismatches.push(`line ${n}: want ${want}, got ${got}: ${text.slice(0, 300)}`);
    });
    expect(mismatches).toEqual([]);
    // The set exercises both outcomes in earnest.
    expect(keptCount).toBeGreaterThan(200);
    expect(quarantined.size).toBeGreaterThan(600);
  });
});
