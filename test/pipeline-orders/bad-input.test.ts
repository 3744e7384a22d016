/**
 * The bad-input corpus (test/fixtures/bad-input) through the real DAG as one batch: every object and every line
 * ends where manifest.json says (kept with its UTC time, quarantined with the first failing reason and field
 * path, dropped as a duplicate, skipped when blank, ignored objects reported once), nothing crashes, and the
 * batch (102 of 153 lines invalid) is blocked by schema_validation with nothing published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestLine, ManifestObject } from '../fixtures/bad-input/build-corpus.ts';
import { landCorpus } from '../fixtures/bad-input/land-corpus.ts';
import { openPipeline, type Pipeline, type RunOutcome, runIdOf } from './harness.ts';

const INTERVAL = '2026-01-01T10:15:00Z';
const NON_UTF8 = 'landing/orders/23-non-utf8.jsonl';

interface LineOutcome {
  readonly outcome: string;
  readonly reason_code?: string;
  readonly reason_detail?: string | null;
  readonly order_id?: string | null;
  readonly order_timestamp_utc?: string;
}

describe('bad-input corpus through the order pipeline', () => {
  let p: Pipeline;
  let result: RunOutcome;
  let objects: readonly ManifestObject[];
  let manifestChecks: Readonly<Record<string, unknown>>;
  const actual = new Map<string, LineOutcome>();

  beforeAll(async () => {
    p = await openPipeline();
    const manifest = await landCorpus(p.objects);
    objects = manifest.objects;
    manifestChecks = manifest.checks;
    result = await p.run(INTERVAL);
    const batch = runIdOf(INTERVAL);
    for (const r of await p.rows<Record<string, string | number>>(
      `SELECT source_file, line_number, order_id, strftime(order_timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts
       FROM ecommerce_data.staging_orders WHERE batch_id = $b`,
      { b: batch },
    ))
      actual.set(`${r.source_file}:${r.line_number}`, {
        outcome: 'kept',
        order_id: String(r.order_id),
        order_timestamp_utc: String(r.ts).replace('.000000Z', 'Z'),
      });
    for (const r of await p.rows<Record<string, string | number | null>>(
      `SELECT source_file, line_number, reason_code, reason_detail, order_id
       FROM ecommerce_data.quarantine_orders WHERE batch_id = $b`,
      { b: batch },
    ))
      actual.set(`${r.source_file}:${r.line_number}`, {
        outcome: 'quarantined',
        reason_code: String(r.reason_code),
        reason_detail: r.reason_detail === null ? null : String(r.reason_detail),
        order_id: r.order_id === null ? null : String(r.order_id),
      });
    // The other lines read were dropped as duplicates (batch_reconciliation proves each has a kept copy).
    for (const r of await p.rows<Record<string, string | number>>(
      'SELECT source_file, line_number FROM ecommerce_data.staging_orders_raw WHERE batch_id = $b',
      { b: batch },
    )) {
      const key = `${r.source_file}:${r.line_number}`;
      if (!actual.has(key)) actual.set(key, { outcome: 'duplicate' });
    }
  });
  afterAll(() => p?.close());

  const expected = (line: ManifestLine): LineOutcome => {
    switch (line.outcome) {
      case 'kept':
        return { outcome: 'kept', order_id: line.order_id!, order_timestamp_utc: line.order_timestamp_utc! };
      case 'quarantined':
        return {
          outcome: 'quarantined',
          reason_code: line.reason_code!,
          reason_detail: line.reason_detail ?? null,
          order_id: line.order_id ?? null,
        };
      default:
        return { outcome: line.outcome };
    }
  };

  it('blocks the batch on schema_validation and publishes nothing', async () => {
    expect(result.run.state).toBe('failed');
    expect(result.error).toMatch(/schema_validation/);
    expect(result.tasks.get('load_staging')!.state).toBe('success');
    expect(result.tasks.get('publish')!.state).toBe('upstream_failed');
    expect(await p.rows('SELECT * FROM ecommerce_data.fact_orders')).toEqual([]);
    const checks = await p.rows<{
      check_name: string;
      status: string;
      rows_failed: number;
      rows_checked: number;
    }>(
      'SELECT check_name, status, rows_failed, rows_checked FROM ecommerce_data.data_quality_checks ORDER BY check_name',
    );
    expect(Object.fromEntries(checks.map((c) => [c.check_name, c.status]))).toEqual({
      amount_mismatch: 'warn',
      batch_reconciliation: 'pass',
      duplicate_order_ids: 'warn',
      missing_customer_reference: 'warn',
      missing_product_reference: 'warn',
      schema_validation: 'fail',
    });
    expect(checks.find((c) => c.check_name === 'duplicate_order_ids')!.rows_failed).toBe(2);
    expect(checks.find((c) => c.check_name === 'schema_validation')).toMatchObject({
      rows_failed: 102,
      rows_checked: 153,
    });
    const [amount] = await p.rows<{ sample: string }>(
      `SELECT CAST(sample AS VARCHAR) AS sample FROM ecommerce_data.data_quality_checks WHERE check_name = 'amount_mismatch'`,
    );
    const ids = (JSON.parse(amount!.sample) as string[]).map((k) => k.split(' ')[0]);
    expect(ids).toEqual((manifestChecks.amount_mismatch as { order_ids: string[] }).order_ids);
  });

  it('ignores the folder marker and the other extensions, warning once per object', async () => {
    const ignored = await p.store.ledger.list({ state: 'ignored' });
    expect(ignored.map((e) => e.object).sort()).toEqual(
      objects
        .filter((o) => o.outcome === 'ignored-object')
        .map((o) => o.object)
        .sort(),
    );
    const warnings = (await p.store.readLogs(runIdOf(INTERVAL), 'sense_files')).filter(
      (l) => l.level === 'warn',
    );
    expect(warnings.map((l) => l.message.split(':')[0]).sort()).toEqual(
      ignored.map((e) => `ignoring ${e.object}`).sort(),
    );
    for (const o of objects.filter((x) => x.outcome === 'ignored-object'))
      expect(await p.objects.exists(o.object), o.object).toBe(true);
  });

  it('keeps the files claimed by the blocked batch, with their line counts', async () => {
    const held = await p.store.ledger.claimed(runIdOf(INTERVAL));
    expect(held.map((e) => e.object).sort()).toEqual(
      objects
        .filter((o) => o.outcome === 'loaded')
        .map((o) => o.object)
        .sort(),
    );
    for (const entry of held) {
      const o = objects.find((x) => x.object === entry.object)!;
      const count = (outcome: string) => o.lines.filter((l) => l.outcome === outcome).length;
      expect(
        [entry.state, entry.linesRead, entry.linesKept, entry.linesQuarantined, entry.linesDuplicate],
        o.object,
      ).toEqual([
        'loaded',
        o.lines.length - count('skipped'),
        count('kept'),
        count('quarantined'),
        count('duplicate'),
      ]);
    }
  });

  it('puts every line where the manifest says, with the right reason code and field path', () => {
    const mismatches: string[] = [];
    for (const o of objects.filter((x) => x.outcome === 'loaded'))
      for (const line of o.lines) {
        const key = `${o.object}:${line.line}`;
        const want = expected(line);
        const got = actual.get(key) ?? { outcome: 'skipped' };
        if (JSON.stringify(got) !== JSON.stringify(want))
          mismatches.push(`${key} (${o.kind}): want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
      }
    expect(mismatches).toEqual([]);
  });

  // The DuckDB loader marks bytes that are not UTF-8 with U+FFFD, which validation treats as invalid_json.
  it('quarantines the lines holding bytes that are not UTF-8 as invalid_json', () => {
    const o = objects.find((x) => x.object === NON_UTF8)!;
    for (const line of o.lines) expect(actual.get(`${o.object}:${line.line}`)).toEqual(expected(line));
  });
});
