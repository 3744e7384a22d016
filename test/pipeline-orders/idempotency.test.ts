/**
 * Idempotency of the order pipeline on the real DAG: running the same interval again, or retrying any single
 * task after the run succeeded, leaves every table equal in content (sorted exports, load timestamps
 * ignored), the bucket and the file ledger unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPipeline, type Pipeline } from './harness.ts';
import { exportFiles, exportTables, land, orders } from './order-data.ts';

const TASKS = ['sense_files', 'load_staging', 'run_checks', 'publish', 'refresh_aggregates', 'archive_files'];

describe('order pipeline idempotency', () => {
  let p: Pipeline;
  let tables: Record<string, string[]>;
  let files: Awaited<ReturnType<typeof exportFiles>>;
  const first = '2026-01-01T10:00:00Z';
  const second = '2026-01-01T10:15:00Z';

  beforeAll(async () => {
    p = await openPipeline();
    // Two batches, the second re-sending some orders of the first, with duplicates and bad lines, so every
    // table has content and the second batch touches the first one's hours.
    const a = orders('idem-a', 40, '2026-01-01T10:05:00Z');
    await land(p, 'a.jsonl', [...a, a[3]!, '{"order_id": "trunc']);
    expect((await p.run(first)).run.state).toBe('success');
    const b = orders('idem-b', 20, '2026-01-01T10:20:00Z');
    await land(p, 'b.jsonl', [
      ...b,
      { ...a[0]!, payment_status: 'failed' },
      { ...a[1]!, order_timestamp: '2026-01-01T10:25:00' },
    ]);
    expect((await p.run(second)).run.state).toBe('success');
    tables = await exportTables(p);
    files = await exportFiles(p);
    expect(tables.fact_orders!.length).toBeGreaterThan(100);
    expect(tables.quarantine_orders!.length).toBe(1);
  });
  afterAll(() => p?.close());

  it('running the same interval again changes nothing', async () => {
    const again = await p.rerun(second);
    expect(again.error).toBeUndefined();
    expect(again.run.state).toBe('success');
    expect(await exportTables(p)).toEqual(tables);
    expect(await exportFiles(p)).toEqual(files);
  });

  it('re-running the first interval after the second changes nothing either', async () => {
    // Its files are archived; the batch reprocesses exactly those. Two of its orders were re-sent by the
    // second batch: the later version stays in fact_orders and in the aggregates.
    const again = await p.rerun(first);
    expect(again.error).toBeUndefined();
    expect(again.run.state).toBe('success');
    expect(await exportTables(p)).toEqual(tables);
    expect(await exportFiles(p)).toEqual(files);
  });

  for (const task of TASKS) {
    it(`retrying ${task} after success changes nothing`, async () => {
      const again = await p.rerun(second, [task]);
      expect(again.error).toBeUndefined();
      expect(again.run.state).toBe('success');
      expect(await exportTables(p)).toEqual(tables);
      expect(await exportFiles(p)).toEqual(files);
    });
  }
});
