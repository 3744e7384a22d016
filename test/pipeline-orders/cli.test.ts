/**
 * The commands users run: `sluice demo` from an empty SLUICE_HOME (what `npm run demo` does), then `sluice files
 * list` and `sluice files skip` on what it left, as subprocesses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectDir } from './harness.ts';

const home = mkdtempSync(join(tmpdir(), 'sluice-demo-'));

function sluice(...args: string[]) {
  const r = spawnSync(process.execPath, [join(projectDir, 'src/cli/main.ts'), ...args], {
    cwd: projectDir,
    env: { ...process.env, SLUICE_HOME: home, SLUICE_PROJECT_DIR: projectDir, SLUICE_LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sluice demo and sluice files', () => {
  let demo: ReturnType<typeof sluice>;
  beforeAll(() => {
    demo = sluice('demo', '--orders-per-hour', '15', '--json');
  }, 240_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('runs from an empty SLUICE_HOME and accounts for every line', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    const summary = JSON.parse(demo.stdout.slice(demo.stdout.lastIndexOf('\n{') + 1)) as Record<
      string,
      unknown
    >;
    expect(summary.files).toBe(24);
    expect(summary.linesRead).toBe(24 * 15);
    expect(summary.linesRead).toBe(
      (summary.kept as number) + (summary.quarantined as number) + (summary.duplicates as number),
    );
    expect(summary.orders).toBe(summary.kept);
    expect((summary.checks as { check: string }[]).map((c) => c.check)).toEqual([
      'amount_mismatch',
      'batch_reconciliation',
      'duplicate_order_ids',
      'missing_customer_reference',
      'missing_product_reference',
      'schema_validation',
    ]);
    expect(Number(summary.revenue)).toBeGreaterThan(0);
  });

  it('refuses to run a second time in the same SLUICE_HOME', () => {
    const again = sluice('demo');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has runs of order_processing_incremental/);
  });

  it('lists the file ledger, filtered by state', () => {
    const all = sluice('files', 'list', '--json');
    expect(all.code).toBe(0);
    const entries = JSON.parse(all.stdout) as { object: string; state: string; entity: string }[];
    expect(entries.filter((e) => e.entity === 'orders')).toHaveLength(24);
    const archived = JSON.parse(sluice('files', 'list', '--state', 'archived', '--json').stdout) as unknown[];
    expect(archived.length).toBeGreaterThanOrEqual(24);
    const table = sluice('files', 'list', '--entity', 'orders');
    expect(table.stdout.split('\n')[0]).toMatch(/^OBJECT\s+STATE\s+BATCH\s+READ\s+KEPT\s+QUAR\s+DUP/);
    expect(sluice('files', 'list', '--state', 'weird').code).toBe(2);
  });

  it('says what to do when skipping a file that no batch holds', () => {
    const r = sluice('files', 'skip', 'landing/orders/nope.jsonl', '--reason', 'test');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no unfinished ledger entry for object "landing\/orders\/nope.jsonl"/);
  });
});
