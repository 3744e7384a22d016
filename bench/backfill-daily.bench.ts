/**
 * Backfill throughput on the embedded stack (DuckDB, local bucket, PGlite; local executor, one process): the
 * real daily_batch_processing DAG backfilled over 90 days with --max-active-runs 4, on small data (a few
 * thousand orders over the 90 days published by the real order DAG, 100 products, 1,000 customers).
 * The first sample creates the 90 runs (--reprocess missing); later samples clear and re-run them
 * (--reprocess all). Figure: runs per second from the backfill's creation to its last run's end. With
 * DuckDB every daily task runs in the 1-slot warehouse pool, so runs overlap only in scheduling, not in SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateCustomers,
  generateOrders,
  generateProducts,
  parseIsoMicros,
} from '../scripts/generate/index.ts';
import { openMetadataStoreAt } from '../src/adapters/metadata/open-metadata-store.ts';
import { FilesystemObjectStore } from '../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { DuckDbWarehouse } from '../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { tryResources } from '../src/cli/compose.ts';
import { loadConfig } from '../src/config/config.ts';
import type { Logger } from '../src/ports/logger.ts';
import { runBackfillInProcess } from '../src/runtime/backfill-in-process.ts';
import { createBackfillService, specLookup } from '../src/runtime/backfill-service.ts';
import { loadDags } from '../src/runtime/dag-loader.ts';
import { createJobLoader } from '../src/runtime/job-loader.ts';
import { runInline } from '../src/runtime/run-inline.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { allTables } from '../tables/index.ts';
import { freshPgliteDir } from '../test/metadata/test-stores.ts';
import type { BenchFigure, Benchmark } from './bench.ts';

const PROJECT = join(import.meta.dirname, '..');
const DAILY = 'daily_batch_processing';
const FROM = '2026-04-01';
const TO = '2026-06-30'; // exclusive: 90 days
const DAYS = 90;
const MAX_ACTIVE_RUNS = 4;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

const benchmark: Benchmark = {
  name: 'backfill-daily',
  description: `daily_batch_processing backfilled over ${DAYS} days, --max-active-runs ${MAX_ACTIVE_RUNS}, small data (DuckDB, PGlite, local executor)`,
  async run({ runs, log }) {
    const home = mkdtempSync(join(tmpdir(), 'sluice-bench-backfill-'));
    const config = await loadConfig({
      env: { SLUICE_HOME: home, SLUICE_PROJECT_DIR: PROJECT, SLUICE_DUCKDB_THREADS: '2' },
      ignoreConfigFile: true,
    });
    const store = await openMetadataStoreAt({ pgliteDir: await freshPgliteDir(join(home, 'meta')) });
    const resources = tryResources(config);
    try {
      const warehouse = new DuckDbWarehouse({ path: config.warehouse.duckdb.path, dataset: config.dataset });
      await warehouse.ensureTables(allTables);
      await warehouse.close();
      await store.ensurePools([
        { name: 'default', slots: 16 },
        { name: 'warehouse', slots: 1 },
      ]);
      const objects = new FilesystemObjectStore({ root: config.storage.localRoot, durable: false });
      const now = parseIsoMicros(new Date().toISOString().replace('Z', ''));
      await generateProducts(objects, { seed: 'bench-products', count: 100, atMicros: now });
      await generateCustomers(objects, { seed: 'bench-customers', count: 1_000, atMicros: now });
      await generateOrders(objects, {
        seed: 'bench-orders',
        count: 5_000,
        files: 10,
        atMicros: parseIsoMicros('2026-06-29T23:00:00'),
        spreadMinutes: DAYS * 24 * 60,
      });
      const dags = await loadDags(PROJECT);
      if (dags.errors.length) throw new Error(dags.errors.join('\n'));
      const engine = {
        store,
        dags,
        jobs: createJobLoader(PROJECT),
        clock: systemClock,
        logger: quiet,
        resources,
        concurrency: 4,
      };
      // The data: orders through the order DAG, dimensions through today's daily run (snapshots land now).
      const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      await runInline(engine, { dagId: 'order_processing_incremental' });
      await runInline(engine, { dagId: DAILY, intervalStart: today });
      log('seeded: 5,000 orders over 90 days, 100 products, 1,000 customers');

      const service = createBackfillService({ store, dags: specLookup(dags), clock: systemClock });
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const reprocess = i === 0 ? 'missing' : 'all';
        const t0 = performance.now();
        const { backfill } = await service.create({
          dagId: DAILY,
          from: FROM,
          to: TO,
          reprocess,
          maxActiveRuns: MAX_ACTIVE_RUNS,
        });
        await runBackfillInProcess(engine, {
          backfillId: backfill.backfillId,
          onTick: async () => (await service.status(backfill.backfillId)).completedAt !== null,
        });
        const seconds = (performance.now() - t0) / 1000;
        const done = await service.status(backfill.backfillId);
        if (done.counts.success !== DAYS)
          throw new Error(`backfill ${backfill.backfillId} ended with ${JSON.stringify(done.counts)}`);
        samples.push(DAYS / seconds);
        log(
          `${backfill.backfillId} (--reprocess ${reprocess}): ${DAYS} runs in ${seconds.toFixed(1)} s = ${(DAYS / seconds).toFixed(2)} runs/s`,
        );
      }
      const figures: BenchFigure[] = [
        {
          name: `backfill ${DAYS} daily runs, max ${MAX_ACTIVE_RUNS} active`,
          unit: 'runs/s',
          samples,
          lowerIsBetter: false,
          note: 'first sample creates the runs, later ones clear and re-run them; 9 tasks per run, warehouse pool of 1 slot (DuckDB)',
        },
      ];
      return figures;
    } finally {
      await resources.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
};

export default benchmark;
