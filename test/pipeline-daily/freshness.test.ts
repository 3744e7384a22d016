/**
 * check_freshness: silences between order files landing during D, from the file ledger's landing times,
 * recorded as one order_file_freshness row in data_quality_checks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import checkFreshness from '../../jobs/check_freshness.ts';
import type { FileLedger, FileState } from '../../src/ports/file-ledger.ts';
import { type Bed, openBed } from './harness.ts';

const D = '2026-06-10';
let bed: Bed;
let ledger: FileLedger;

beforeEach(async () => {
  bed = await openBed({ ledger: true });
  ledger = bed.ledger!;
});
afterEach(async () => {
  await bed?.close();
});

const at = (iso: string) => new Date(`${iso}Z`);

/** Put an order file in the ledger as landed at `landedAt`, then walk it to `state` with the ledger's own API. */
async function land(name: string, landedAt: Date, state: FileState = 'archived'): Promise<void> {
  const info = { name, size: 10, generation: '1', createdAt: landedAt, updatedAt: landedAt };
  if (state === 'ignored') {
    await ledger.ignore('orders', [info], 'not an order file');
    return;
  }
  await ledger.record('orders', [info]);
  if (state === 'claimed') await ledger.claim('orders', `batch-${name}`, `run-${name}`);
  if (state === 'archived') await ledger.markArchived(name, '1', `archive/orders/x/${name}`);
  if (state === 'rejected') await ledger.reject(name, 'poisoned', `rejected/${name}`);
}
const freshnessRows = () =>
  bed.rows(
    `SELECT check_name, severity, status, rows_checked, rows_failed, sample, interval_start FROM ${bed.warehouse.qualify('data_quality_checks')}`,
  );

describe('check_freshness', () => {
  beforeEach(async () => {
    await land('landing/orders/b.jsonl', at('2026-06-10T01:00:00'), 'claimed'); // first: claim takes all landed
    await land('landing/orders/prev.jsonl', at('2026-06-09T23:30:00')); // 50 min before the first of D
    await land('landing/orders/a.jsonl', at('2026-06-10T00:20:00'));
    await land('landing/orders/c.jsonl', at('2026-06-10T05:00:00'), 'rejected');
    await land('landing/orders/d.jsonl', at('2026-06-10T23:30:00'), 'landed');
    await land('landing/orders/next.jsonl', at('2026-06-11T00:10:00')); // the next day: not part of D
    await land('landing/orders/notes.txt', at('2026-06-10T12:00:00'), 'ignored'); // not an order file
  });

  it('warns with every silence longer than the limit, measured across the start of the day', async () => {
    const result = await bed.runJob(checkFreshness, D, { taskId: 'check_freshness', ledger });
    expect(result).toEqual({ orderFiles: 4, silences: 2, status: 'warn' });
    expect(await freshnessRows()).toEqual([
      {
        check_name: 'order_file_freshness',
        severity: 'warn',
        status: 'warn',
        rows_checked: 5,
        rows_failed: 2,
        sample: JSON.stringify([
          '2026-06-10T01:00:00.000Z/2026-06-10T05:00:00.000Z',
          '2026-06-10T05:00:00.000Z/2026-06-10T23:30:00.000Z',
        ]),
        interval_start: expect.stringMatching(/^2026-06-10T00:00:00/),
      },
    ]);
  });

  it('takes the limit from the task params, and a re-run replaces its row', async () => {
    await bed.runJob(checkFreshness, D, { taskId: 'check_freshness', ledger });
    const result = await bed.runJob(checkFreshness, D, {
      taskId: 'check_freshness',
      ledger,
      params: { maxGapMinutes: 600 },
    });
    expect(result).toMatchObject({ silences: 1 });
    const rows = await freshnessRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rows_failed: 1 });
  });

  it('a day without any order file is one silence of the whole day', async () => {
    const result = await bed.runJob(checkFreshness, '2026-06-20', { taskId: 'check_freshness', ledger });
    expect(result).toEqual({ orderFiles: 0, silences: 1, status: 'warn' });
    expect(JSON.parse(String((await freshnessRows())[0]!.sample))).toEqual([
      '2026-06-20T00:00:00.000Z/2026-06-21T00:00:00.000Z',
    ]);
  });

  it('passes when files keep landing', async () => {
    const day = '2026-06-15';
    for (let m = 0; m < 24 * 60; m += 45)
      await land(`landing/orders/${m}.jsonl`, new Date(Date.parse(`${day}T00:00:00Z`) + m * 60_000));
    const result = await bed.runJob(checkFreshness, day, { taskId: 'check_freshness', ledger });
    expect(result).toEqual({ orderFiles: 32, silences: 0, status: 'pass' });
  });
});
