/**
 * The generators write exactly the upstream format (checked against the real samples), reproduce bytes from
 * a seed, and their options (unknown references, malformed lines, duplicates, re-sends) do what they say.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerRows, generateCustomers } from '../../scripts/generate/customers.ts';
import { MALFORMED_KINDS } from '../../scripts/generate/malformed-lines.ts';
import { formatOrder, orderToPy } from '../../scripts/generate/order-record.ts';
import { generateOrders, linesPerFile, orderLines } from '../../scripts/generate/orders.ts';
import { generateProducts, productRows } from '../../scripts/generate/products.ts';
import {
  parseIsoMicros,
  pyCsvRow,
  pyFloat,
  pyFloatRepr,
  pyIsoformat,
  pyJsonDumps,
  pyRound2,
} from '../../scripts/generate/python-format.ts';
import { FilesystemObjectStore } from '../../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { validateLine } from '../fixtures/bad-input/reference-validator.ts';

const SAMPLES = '/work/shared/samples/upstream-generators';
const sampleExists = (() => {
  try {
    readFileSync(join(SAMPLES, 'orders_sample.json'));
    return true;
  } catch {
    return false;
  }
})();
const AT = parseIsoMicros('2026-01-01T10:15:00.417263');
const ORDER_KEYS = [
  'order_id',
  'customer_id',
  'order_timestamp',
  'items',
  'total_amount',
  'payment_status',
  'shipping_address',
];
const ITEM_KEYS = ['product_id', 'quantity', 'unit_price'];
const ADDRESS_KEYS = ['street', 'city', 'state', 'zipcode', 'country'];

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('Python formats', () => {
  it("reproduces repr(float) and round(x, 2) (values taken from CPython's output)", () => {
    const values = [
      0.125,
      0.375,
      0.625,
      0.875,
      2.675,
      1.005,
      400,
      1e16,
      1.5e-5,
      0.0001,
      123456789.125,
      0.1 + 0.2,
    ];
    expect(values.map(pyFloatRepr)).toEqual([
      '0.125',
      '0.375',
      '0.625',
      '0.875',
      '2.675',
      '1.005',
      '400.0',
      '1e+16',
      '1.5e-05',
      '0.0001',
      '123456789.125',
      '0.30000000000000004',
    ]);
    expect(values.map((v) => pyFloatRepr(pyRound2(v)))).toEqual([
      '0.12',
      '0.38',
      '0.62',
      '0.88',
      '2.67',
      '1.0',
      '400.0',
      '1e+16',
      '0.0',
      '0.0',
      '123456789.12',
      '0.3',
    ]);
    expect(pyFloatRepr(pyRound2(99.995))).toBe('100.0');
    expect(pyFloatRepr(pyRound2(-0.125))).toBe('-0.12');
  });

  it('dumps like json.dumps: separators, ensure_ascii, ints vs floats, NaN', () => {
    expect(pyJsonDumps({ a: 1, b: [pyFloat(2), 'é\n"'], c: null, d: {} })).toBe(
      '{"a": 1, "b": [2.0, "\\u00e9\\n\\""], "c": null, "d": {}}',
    );
    expect(pyJsonDumps({ x: pyFloat(Number.NaN), y: '\u{1F4E6}' })).toBe('{"x": NaN, "y": "\\ud83d\\udce6"}');
    expect(pyIsoformat(parseIsoMicros('2025-10-29T10:18:00'))).toBe('2025-10-29T10:18:00');
    expect(pyIsoformat(parseIsoMicros('2025-10-29T10:18:00.000001'))).toBe('2025-10-29T10:18:00.000001');
    expect(pyCsvRow(['a,b', 'say "hi"', 3])).toBe('"a,b","say ""hi""",3\r\n');
  });
});

describe.skipIf(!sampleExists)('against the upstream samples', () => {
  it('serializes every sample order back to the identical line', () => {
    const sample = lines(readFileSync(join(SAMPLES, 'orders_sample.json'), 'utf8'));
    expect(sample.length).toBe(50);
    for (const line of sample) expect(formatOrder(JSON.parse(line))).toBe(line);
  });

  it("generates orders with the sample's shape, key order and value formats", () => {
    const sampleLine = lines(readFileSync(join(SAMPLES, 'orders_sample.json'), 'utf8'))[0]!;
    const shape = (line: string) =>
      line
        .replace(/"[^"]*"/g, '"s"')
        .replace(/-?\d+(\.\d+)?(e[+-]\d+)?/g, 'n')
        .replace(/(\{"s": "s", "s": n, "s": n\}(, )?)+/g, 'ITEMS');
    const generated = [...orderLines({ seed: 'shape', count: 300, atMicros: AT })].map((l) => l.text);
    for (const line of generated) {
      expect(shape(line)).toBe(shape(sampleLine));
      const o = JSON.parse(line);
      expect(Object.keys(o)).toEqual(ORDER_KEYS);
      for (const item of o.items) expect(Object.keys(item)).toEqual(ITEM_KEYS);
      expect(Object.keys(o.shipping_address)).toEqual(ADDRESS_KEYS);
      expect(o.order_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(o.customer_id).toMatch(/^CUST-\d{4}$/);
      expect(o.order_timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.417263$/);
      expect(o.shipping_address.street).toMatch(/^\d{3,4} Main St$/);
      expect(o.shipping_address.zipcode).toMatch(/^\d{5}$/);
      expect(o.items.length).toBeGreaterThanOrEqual(1);
      expect(o.items.length).toBeLessThanOrEqual(5);
      expect(validateLine(Buffer.from(line)).outcome).toBe('kept');
    }
  });

  it('writes catalogs with the exact sample headers, CRLF rows and id ranges', () => {
    const productSample = readFileSync(join(SAMPLES, 'products_sample.csv'), 'utf8');
    const customerSample = readFileSync(join(SAMPLES, 'customers_sample.csv'), 'utf8');
    const products = [...productRows({ seed: '1', atMicros: AT })];
    const customers = [...customerRows({ seed: '1', atMicros: AT })];
    expect(products[0]).toBe(productSample.split('\r\n')[0] + '\r\n');
    expect(customers[0]).toBe(customerSample.split('\r\n')[0] + '\r\n');
    expect(products.length).toBe(101);
    expect(customers.length).toBe(1001);
    const sampleRows = productSample.split('\r\n').slice(1, -1);
    const categories = new Set(sampleRows.map((r) => r.split(',')[2]));
    const row = /^PROD-(\d{4}),([A-Za-z& ]+) Product \1,\2,\d{2,3}\.\d{1,2},\d{1,4}$/;
    for (const sampleRow of sampleRows) expect(sampleRow).toMatch(row);
    for (const line of products.slice(1)) {
      expect(line.endsWith('\r\n')).toBe(true);
      expect(line.slice(0, -2)).toMatch(row);
      expect(categories.has(line.split(',')[2])).toBe(true);
    }
    expect(products[1]).toMatch(/^PROD-1000,/);
    expect(products.at(-1)).toMatch(/^PROD-1099,/);
    expect(customers[1]).toMatch(
      /^CUST-1000,Customer 1000,customer1000@example\.com,\d{4}-\d{2}-\d{2},(bronze|silver|gold)\r\n$/,
    );
    expect(customers.at(-1)).toMatch(/^CUST-1999,/);
    const dates = customers.slice(1).map((r) => r.split(',')[3]!);
    expect(dates.every((d) => d >= '2025-01-01' && d <= '2025-12-31')).toBe(true);
  });
});

describe('order generation', () => {
  it('draws references from the upstream ranges, statuses evenly, totals like Python', () => {
    const orders = [...orderLines({ seed: 'ranges', count: 3000, atMicros: AT })].map((l) =>
      JSON.parse(l.text),
    );
    const customers = orders.map((o) => Number(o.customer_id.slice(5)));
    const products = orders.flatMap((o) =>
      o.items.map((i: { product_id: string }) => Number(i.product_id.slice(5))),
    );
    expect(Math.min(...customers)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...customers)).toBeLessThanOrEqual(5000);
    expect(Math.max(...customers)).toBeGreaterThan(4900);
    expect(Math.max(...products)).toBeGreaterThan(9900);
    const known = customers.filter((c) => c <= 1999).length / customers.length;
    expect(known).toBeGreaterThan(0.2);
    expect(known).toBeLessThan(0.3);
    for (const status of ['completed', 'pending', 'failed']) {
      const share = orders.filter((o) => o.payment_status === status).length / orders.length;
      expect(share, status).toBeGreaterThan(0.29);
      expect(share, status).toBeLessThan(0.38);
    }
    for (const o of orders) {
      let sum = 0;
      for (const i of o.items) sum += i.unit_price * i.quantity;
      expect(o.total_amount).toBe(pyRound2(sum));
    }
  });

  it('timestamps orders in the window before --at, keeping its microseconds', () => {
    const at = parseIsoMicros('2026-01-01T00:05:00.5Z');
    const stamps = [...orderLines({ seed: 'w', count: 500, atMicros: at, spreadMinutes: 30 })].map(
      (l) => JSON.parse(l.text).order_timestamp as string,
    );
    for (const ts of stamps) {
      const micros = parseIsoMicros(ts);
      expect(micros).toBeLessThanOrEqual(at);
      expect(micros).toBeGreaterThanOrEqual(at - 30 * 60_000_000);
      expect(ts.endsWith(':00.500000')).toBe(true);
    }
    // Orders from before midnight and after it, like the design's 23:55 / 00:05 case.
    expect(stamps.some((t) => t.startsWith('2025-12-31T23:'))).toBe(true);
    expect(stamps.some((t) => t.startsWith('2026-01-01T00:'))).toBe(true);
  });

  it('keeps every reference in the catalogs with --unknown-share 0 and misses about the share asked', () => {
    const none = [...orderLines({ seed: 'u', count: 500, atMicros: AT, unknownShare: 0 })].map((l) =>
      JSON.parse(l.text),
    );
    for (const o of none) {
      expect(Number(o.customer_id.slice(5))).toBeLessThanOrEqual(1999);
      for (const i of o.items) expect(Number(i.product_id.slice(5))).toBeLessThanOrEqual(1099);
    }
    const some = [...orderLines({ seed: 'u', count: 4000, atMicros: AT, unknownShare: 0.1 })].map((l) =>
      JSON.parse(l.text),
    );
    const unknown = some.filter((o) => Number(o.customer_id.slice(5)) > 1999).length / some.length;
    expect(unknown).toBeGreaterThan(0.07);
    expect(unknown).toBeLessThan(0.13);
  });

  it('draws malformed lines from the corpus kinds, each failing the way the reference validator says', () => {
    const generated = [...orderLines({ seed: 'bad', count: 4000, atMicros: AT, badShare: 0.05 })];
    const bad = generated.filter((l) => l.truth.type === 'malformed');
    expect(bad.length / generated.length).toBeGreaterThan(0.04);
    expect(bad.length / generated.length).toBeLessThan(0.06);
    expect(new Set(bad.map((l) => (l.truth.type === 'malformed' ? l.truth.kind.kind : '')))).toEqual(
      new Set(MALFORMED_KINDS.map((k) => k.kind)),
    );
    for (const line of bad) {
      if (line.truth.type !== 'malformed') continue;
      expect(validateLine(Buffer.from(line.text)), line.truth.kind.kind).toMatchObject({
        outcome: 'quarantined',
        reason_code: line.truth.kind.reasonCode,
        reason_detail: line.truth.kind.reasonDetail,
      });
    }
    for (const line of generated.filter((l) => l.truth.type !== 'malformed'))
      expect(validateLine(Buffer.from(line.text)).outcome).toBe('kept');
  });

  it('repeats order ids across files and re-sends changed orders later', () => {
    const generated = [
      ...orderLines({
        seed: 'dup',
        count: 3000,
        files: 3,
        atMicros: AT,
        duplicateShare: 0.05,
        resendShare: 0.05,
      }),
    ];
    const firstSeen = new Map<string, number>();
    for (const l of generated) if (l.truth.type === 'order') firstSeen.set(l.truth.order.order_id, l.file);
    const dups = generated.filter((l) => l.truth.type === 'duplicate');
    const resends = generated.filter((l) => l.truth.type === 'resend');
    expect(dups.length).toBeGreaterThan(100);
    expect(resends.length).toBeGreaterThan(100);
    for (const l of dups) {
      if (l.truth.type !== 'duplicate') continue;
      const origin = firstSeen.get(l.truth.order.order_id)!;
      expect(l.file === 0 ? origin === 0 : origin < l.file).toBe(true);
      expect(l.text).toBe(formatOrder(l.truth.order));
    }
    for (const l of resends) {
      if (l.truth.type !== 'resend') continue;
      const { order, of } = l.truth;
      expect(order.order_id).toBe(of.order_id);
      expect(order.payment_status).not.toBe(of.payment_status);
      expect(order.items.length).toBe(Math.max(1, of.items.length - 1));
      expect(parseIsoMicros(order.order_timestamp)).not.toBe(parseIsoMicros(of.order_timestamp));
      expect(parseIsoMicros(order.order_timestamp)).toBeLessThanOrEqual(AT);
    }
    // Distinct ids = new orders only.
    const ids = new Set(
      generated.filter((l) => l.truth.type !== 'malformed').map((l) => JSON.parse(l.text).order_id),
    );
    expect(ids.size).toBe(generated.filter((l) => l.truth.type === 'order').length);
  });

  it('splits lines over files with the remainder first', () => {
    expect(linesPerFile(10, 3)).toEqual([4, 3, 3]);
    expect(linesPerFile(3, 3)).toEqual([1, 1, 1]);
  });

  it('keeps mutated orders in key order', () => {
    const [line] = [...orderLines({ seed: 'k', count: 1, atMicros: AT })];
    if (line?.truth.type !== 'order') throw new Error('expected an order');
    expect(pyJsonDumps(orderToPy(line.truth.order))).toBe(line.text);
  });
});

describe('writing through the object store', () => {
  let dir: string;
  let store: FilesystemObjectStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-generate-'));
    store = new FilesystemObjectStore({ root: join(dir, 'bucket') });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function bytesOf(names: readonly string[]): Promise<Buffer> {
    return Buffer.concat(await Promise.all(names.map(async (n) => readFileSync(store.uri(n)))));
  }

  it('reproduces the same bytes from the same seed, and different bytes from another', async () => {
    const options = {
      count: 2000,
      files: 3,
      atMicros: AT,
      badShare: 0.05,
      duplicateShare: 0.02,
      resendShare: 0.02,
    };
    const a = await generateOrders(store, { ...options, seed: 's1' });
    const first = await bytesOf(a.files.map((f) => f.name));
    const b = await generateOrders(store, { ...options, seed: 's1' });
    expect(b).toEqual(a);
    expect((await bytesOf(b.files.map((f) => f.name))).equals(first)).toBe(true);
    const c = await generateOrders(store, { ...options, seed: 's2' });
    expect((await bytesOf(c.files.map((f) => f.name))).equals(first)).toBe(false);
    expect(a.files.map((f) => f.name)).toEqual([
      'landing/orders/orders_20260101T101500_s1_0001.json',
      'landing/orders/orders_20260101T101500_s1_0002.json',
      'landing/orders/orders_20260101T101500_s1_0003.json',
    ]);
    expect(a.lines).toBe(2000);
    expect(a.orders + a.malformed + a.duplicates + a.resent).toBe(2000);
    expect(lines(first.toString('utf8')).length).toBe(2000);
    for (const f of a.files) expect((await store.stat(f.name))?.size).toBe(f.size);
  });

  it('writes gzip files when asked', async () => {
    const summary = await generateOrders(store, {
      seed: 'gz',
      count: 50,
      atMicros: AT,
      gzip: true,
      extension: 'jsonl',
    });
    expect(summary.files[0]!.name).toMatch(/\.jsonl\.gz$/);
    const text = gunzipSync(readFileSync(store.uri(summary.files[0]!.name))).toString('utf8');
    expect(text).toBe(
      [...orderLines({ seed: 'gz', count: 50, atMicros: AT })].map((l) => `${l.text}\n`).join(''),
    );
  });

  it('writes the catalogs to landing/products/ and landing/customers/', async () => {
    const p = await generateProducts(store, { seed: 'c', atMicros: AT, count: 5 });
    const c = await generateCustomers(store, { seed: 'c', atMicros: AT, count: 7 });
    expect(p.files[0]!.name).toBe('landing/products/products_20260101T101500_c.csv');
    expect(c.files[0]!.name).toBe('landing/customers/customers_20260101T101500_c.csv');
    expect((await store.readText(p.files[0]!.name)).split('\r\n').length).toBe(7);
    expect((await store.readText(c.files[0]!.name)).split('\r\n').length).toBe(9);
  });
});

describe('sluice generate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-generate-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<string> {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      out.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await buildProgram().parseAsync(['node', 'sluice', 'generate', ...args]);
    } finally {
      process.stdout.write = write;
    }
    return out.join('');
  }

  it('writes orders into the bucket of SLUICE_HOME and prints a JSON summary', async () => {
    const previous = process.env.SLUICE_HOME;
    process.env.SLUICE_HOME = dir;
    try {
      const out = await run([
        'orders',
        '--count',
        '40',
        '--files',
        '2',
        '--seed',
        '7',
        '--at',
        '2026-01-01T10:15:00Z',
        '--bad-share',
        '0.1',
        '--json',
      ]);
      const summary = JSON.parse(out);
      expect(summary).toMatchObject({ entity: 'orders', lines: 40, seed: '7', at: '2026-01-01T10:15:00Z' });
      expect(summary.files.map((f: { name: string }) => f.name)).toEqual([
        'landing/orders/orders_20260101T101500_7_0001.json',
        'landing/orders/orders_20260101T101500_7_0002.json',
      ]);
      const text = readFileSync(join(dir, 'bucket', summary.files[0].name), 'utf8');
      expect(lines(text).length).toBe(20);
    } finally {
      if (previous === undefined) delete process.env.SLUICE_HOME;
      else process.env.SLUICE_HOME = previous;
    }
  });

  it('writes catalogs into --out-dir', async () => {
    const out = await run([
      'customers',
      '--count',
      '3',
      '--seed',
      'x',
      '--at',
      '2026-01-01',
      '--out-dir',
      dir,
    ]);
    expect(out).toContain('customers: 3 rows');
    expect(
      readFileSync(join(dir, 'landing/customers/customers_20260101T000000_x.csv'), 'utf8').split('\r\n')[0],
    ).toBe('customer_id,name,email,registration_date,customer_tier');
  });

  it('refuses bad options with one line naming the option', async () => {
    for (const [args, message] of [
      [['orders', '--count', '0'], /--count must be a positive integer/],
      [['orders', '--bad-share', '1.5'], /--bad-share must be a number from 0 to 1/],
      [['orders', '--at', 'yesterday'], /--at not an ISO timestamp/],
      [['orders', '--count', '2', '--files', '3'], /--files 3 is more than --count 2/],
      [['invoices'], /unknown entity invoices/],
    ] as const)
      await expect(run([...args, '--out-dir', dir])).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringMatching(message),
      });
  });
});
