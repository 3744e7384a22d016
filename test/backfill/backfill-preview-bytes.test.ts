/**
 * The dry-run preview's bytes: on BigQuery (the recorded-protocol fixture server), each run's report
 * statements are dry-run for its day and the bytes summed; a failing dry run leaves a note instead of failing
 * the preview; on DuckDB (no dry-run capability) there is no estimate and the warehouse file is never opened.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/adapters/warehouse/duckdb/duckdb-warehouse.ts';
import { reportDryRunPreviewer } from '../../src/runtime/backfill-bytes.ts';
import { type BackfillDag, createBackfillService } from '../../src/runtime/backfill-service.ts';
import { openTestStore, type TestStore } from '../metadata/test-stores.ts';
import { BigQueryFixtureServer } from '../warehouse/bigquery-fixture-server.ts';
import { fixtureWarehouse } from '../warehouse/bigquery-harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const daily: BackfillDag = {
  id: 'daily_reports',
  schedule: '0 0 * * *',
  startDate: new Date('2026-01-01T00:00:00Z'),
  endDate: null,
  tasks: [
    { id: 'load_products', job: 'load_products' },
    { id: 'report_low_stock', job: 'report_low_stock' },
    { id: 'report_revenue_trends', job: 'report_revenue_trends' },
  ],
};
const lookup = { get: (id: string) => (id === daily.id ? daily : undefined), ids: () => [daily.id] };
const clock = { now: () => new Date('2026-03-10T06:00:00Z') };

describe('backfill dry-run bytes', () => {
  let server: BigQueryFixtureServer;
  let t: TestStore;
  beforeEach(async () => {
    server = await new BigQueryFixtureServer().start();
    t = await openTestStore('pglite');
  });
  afterEach(async () => {
    await server.stop();
    await t.cleanup();
  });

  it('sums the dry-run bytes of each run report statements on BigQuery', async () => {
    server.onQuery({ match: (sql) => sql.includes('report_low_stock'), totalBytesProcessed: '1000' });
    server.onQuery({ match: (sql) => sql.includes('report_revenue_trends'), totalBytesProcessed: '250000' });
    const previewer = reportDryRunPreviewer({
      openWarehouse: async () => fixtureWarehouse(server),
      projectDir: ROOT,
    });
    const service = createBackfillService({ store: t.store, dags: lookup, clock, previewer });
    const plan = await service.plan({ dagId: daily.id, from: '2026-03-01', to: '2026-03-03' });
    await previewer.close?.();
    expect(plan.items!.map((i) => [i.intervalStart.slice(0, 10), i.bytesProcessed, i.files])).toEqual([
      ['2026-03-01', 251_000, null],
      ['2026-03-02', 251_000, null],
    ]);
    const jobs = server.jobInserts().map((r) => r.body.configuration);
    expect(jobs).toHaveLength(4);
    expect(jobs.every((c) => c.dryRun === true)).toBe(true);
    // Each statement dry-run for its own day, with the report_date parameter only.
    expect(
      jobs.map((c) =>
        (c.query.queryParameters as { name: string; parameterValue: { value: string } }[]).map(
          (p) => `${p.name}=${p.parameterValue.value}`,
        ),
      ),
    ).toEqual([
      ['report_date=2026-03-01'],
      ['report_date=2026-03-01'],
      ['report_date=2026-03-02'],
      ['report_date=2026-03-02'],
    ]);
    expect(await t.store.backfills.list()).toEqual([]);
  });

  it('notes a failing dry run instead of failing the preview', async () => {
    server.onQuery({ match: () => true, errorResult: 'error-access-denied.json' });
    const previewer = reportDryRunPreviewer({
      openWarehouse: async () => fixtureWarehouse(server),
      projectDir: ROOT,
    });
    const plan = await createBackfillService({ store: t.store, dags: lookup, clock, previewer }).plan({
      dagId: daily.id,
      from: '2026-03-01',
      to: '2026-03-02',
    });
    expect(plan.items![0]!.bytesProcessed).toBeNull();
    expect(plan.notes).toEqual([
      expect.stringMatching(/^bytes are missing where the warehouse dry run failed: /),
    ]);
  });

  it('has no estimate on DuckDB and never opens its file', async () => {
    const path = join(ROOT, 'no-such-dir', 'warehouse.duckdb');
    const previewer = reportDryRunPreviewer({
      openWarehouse: async () => new DuckDbWarehouse({ path, dataset: 'ecommerce_data' }),
      projectDir: ROOT,
    });
    const plan = await createBackfillService({ store: t.store, dags: lookup, clock, previewer }).plan({
      dagId: daily.id,
      from: '2026-03-01',
      to: '2026-03-02',
    });
    await previewer.close?.();
    expect(plan.items![0]!.bytesProcessed).toBeNull();
    expect(plan.notes).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });
});
