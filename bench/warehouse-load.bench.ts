/**
 * Warehouse load: 1,000,000 raw order lines (about 400 MB of NDJSON over 100 files, a few gzipped, with blank
 * lines) loaded from the local bucket into DuckDB staging by `DuckDbWarehouse.loadLines`, against the minimal
 * hand-written DuckDB statement that reads the same files into a table (no line numbers, no file mapping).
 * Reports load time, rows/s and peak RSS of this process (DuckDB runs in-process) for both.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbWarehouse } from '../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { allTables } from '../tables/index.ts';
import type { BenchFigure, Benchmark } from './bench.ts';

const LINES = Number(process.env.SLUICE_BENCH_LINES ?? 1_000_000);
const FILES = 100;

/** mulberry32: a small deterministic PRNG, so every run loads the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATES = ['CA', 'NY', 'TX', 'WA', 'FL', 'IL', 'PA', 'AZ', 'NJ', 'OR', 'NM', 'GA'];
const CITIES = [
  'Los Angeles',
  'New York',
  'Houston',
  'Seattle',
  'Miami',
  'Chicago',
  'Philadelphia',
  'Phoenix',
];
const STATUS = ['completed', 'pending', 'failed'];

/** One order line in the upstream format (about 400 bytes on average). */
function orderLine(rand: () => number, n: number): string {
  const hex = (len: number) =>
    Array.from({ length: len }, () => Math.floor(rand() * 16).toString(16)).join('');
  const items = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
    const quantity = 1 + Math.floor(rand() * 4);
    const unit = Math.round(rand() * 50000) / 100;
    return { product_id: `PROD-${1000 + Math.floor(rand() * 9000)}`, quantity, unit_price: unit };
  });
  const total = Math.round(items.reduce((s, i) => s + i.quantity * i.unit_price, 0) * 100) / 100;
  const ts = new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 86_400_000)).toISOString().slice(0, 23);
  return JSON.stringify({
    order_id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    customer_id: `CUST-${1000 + Math.floor(rand() * 4000)}`,
    order_timestamp: `${ts}${String(n % 1000).padStart(3, '0')}`,
    items,
    total_amount: total,
    payment_status: STATUS[Math.floor(rand() * 3)],
    shipping_address: {
      street: `${100 + Math.floor(rand() * 9900)} Main St`,
      city: CITIES[Math.floor(rand() * CITIES.length)],
      state: STATES[Math.floor(rand() * STATES.length)],
      zipcode: String(10000 + Math.floor(rand() * 89999)),
      country: 'USA',
    },
  });
}

/** Write the order files; returns their paths and the number of non-blank lines. */
export function generate(dir: string): { files: string[]; lines: number; bytes: number } {
  const rand = prng(42);
  const files: string[] = [];
  let lines = 0;
  let bytes = 0;
  for (let f = 0; f < FILES; f++) {
    const count = Math.floor(LINES / FILES) + (f < LINES % FILES ? 1 : 0);
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      parts.push(orderLine(rand, lines + i));
      if (i % 997 === 996) parts.push(''); // an occasional blank line, skipped by the load
    }
    lines += count;
    const text = `${parts.join('\n')}\n`;
    const gz = f % 10 === 9;
    const file = join(dir, `landing/orders/orders-${String(f).padStart(3, '0')}.jsonl${gz ? '.gz' : ''}`);
    const data = gz ? gzipSync(text) : Buffer.from(text);
    writeFileSync(file, data);
    bytes += Buffer.byteLength(text);
    files.push(file);
  }
  return { files, lines, bytes };
}

/** Run `fn` while sampling this process's RSS; returns its duration and the peak RSS in MiB. */
async function measured<T>(fn: () => Promise<T>): Promise<{ ms: number; peakMiB: number; value: T }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const start = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { ms: performance.now() - start, peakMiB: peak / 2 ** 20, value };
  } finally {
    clearInterval(timer);
  }
}

const benchmark: Benchmark = {
  name: 'warehouse-load',
  description: `load ${LINES.toLocaleString('en-US')} raw order lines (~400 MB NDJSON, ${FILES} files) into DuckDB staging`,
  async run({ runs, log }) {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-load-'));
    try {
      mkdirSync(join(dir, 'landing/orders'), { recursive: true });
      const gen = generate(dir);
      log(`generated ${gen.lines} lines, ${(gen.bytes / 2 ** 20).toFixed(0)} MiB uncompressed, in ${dir}`);
      const adapterMs: number[] = [];
      const adapterRss: number[] = [];
      const baselineMs: number[] = [];
      const baselineRss: number[] = [];
      for (let r = 0; r < runs; r++) {
        const path = join(dir, `adapter-${r}.duckdb`);
        const w = new DuckDbWarehouse({ path, dataset: 'ecommerce_data' });
        await w.ensureTables(allTables.filter((t) => t.name === 'staging_orders_raw'));
        const sourceNames = Object.fromEntries(gen.files.map((f) => [f, f.slice(dir.length + 1)]));
        const a = await measured(() =>
          w.loadLines({
            uris: gen.files,
            table: 'staging_orders_raw',
            constants: { batch_id: 'bench' },
            sourceNames,
          }),
        );
        await w.close();
        if (a.value.rowsLoaded !== gen.lines)
          throw new Error(`adapter loaded ${a.value.rowsLoaded} of ${gen.lines} lines`);
        adapterMs.push(a.ms);
        adapterRss.push(a.peakMiB);
        rmSync(path, { force: true });

        const bpath = join(dir, `baseline-${r}.duckdb`);
        const db = await DuckDBInstance.create(bpath);
        const c = await db.connect();
        await c.run('CREATE TABLE raw (source_file VARCHAR, raw_line VARCHAR)');
        const list = `[${gen.files.map((f) => `'${f}'`).join(', ')}]`;
        const b = await measured(() =>
          c.run(
            `INSERT INTO raw SELECT filename, raw_line FROM read_csv(${list}, columns = {'raw_line': 'VARCHAR'}, header = false, delim = '\x1e', quote = '', escape = '', auto_detect = false, filename = true)`,
          ),
        );
        c.closeSync();
        db.closeSync();
        rmSync(bpath, { force: true });
        baselineMs.push(b.ms);
        baselineRss.push(b.peakMiB);
        log(
          `run ${r + 1}: adapter ${a.ms.toFixed(0)} ms (${((gen.lines / a.ms) * 1000).toFixed(0)} rows/s, peak ${a.peakMiB.toFixed(0)} MiB); ` +
            `baseline ${b.ms.toFixed(0)} ms (peak ${b.peakMiB.toFixed(0)} MiB)`,
        );
      }
      const rate = (ms: number[]) => ms.map((m) => (gen.lines / m) * 1000);
      const figures: BenchFigure[] = [
        {
          name: 'loadLines time',
          unit: 'ms',
          samples: adapterMs,
          baseline: { name: 'hand-written read_csv INSERT', samples: baselineMs },
          note: 'physical line numbers, file mapping, blank-line filter on top of the baseline',
        },
        {
          name: 'loadLines throughput',
          unit: 'rows/s',
          lowerIsBetter: false,
          samples: rate(adapterMs),
          baseline: { name: 'hand-written read_csv INSERT', samples: rate(baselineMs) },
        },
        {
          name: 'loadLines peak RSS',
          unit: 'MiB',
          samples: adapterRss,
          baseline: { name: 'hand-written read_csv INSERT', samples: baselineRss },
        },
      ];
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
