/**
 * The seams of the architecture, checked on the source text (docs/adr/0001-architecture.md):
 * vendor SDKs only in src/adapters, no I/O or clock in src/core and src/sdk, and no job code reachable
 * from the scheduler.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  const abs = join(root, dir);
  const out: string[] = [];
  for (const entry of readdirSync(abs)) {
    const p = join(abs, entry);
    if (statSync(p).isDirectory()) out.push(...files(relative(root, p)));
    else if (p.endsWith('.ts')) out.push(relative(root, p));
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g))
    found.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

const VENDOR = /^(bullmq|ioredis|pg|@google-cloud\/|@duckdb\/|@electric-sql\/)/;

describe('architecture seams', () => {
  it('imports vendor SDKs only inside src/adapters', () => {
    const offenders = ['src', 'dags', 'jobs', 'tables', 'scripts']
      .flatMap(files)
      .filter((f) => !f.startsWith('src/adapters/'))
      .flatMap((f) =>
        imports(f)
          .filter((i) => VENDOR.test(i))
          .map((i) => `${f} -> ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps src/core and src/sdk free of I/O, clock and environment', () => {
    const forbidden = /^(node:)?(fs|fs\/promises|net|http|https|child_process|worker_threads|dgram|os)$/;
    const offenders: string[] = [];
    for (const f of [...files('src/core'), ...files('src/sdk')]) {
      const text = readFileSync(join(root, f), 'utf8');
      for (const i of imports(f))
        if (forbidden.test(i) || i.includes('/adapters/')) offenders.push(`${f} -> ${i}`);
      if (/\bDate\.now\(|new Date\(\)|process\.env|Math\.random\(/.test(text))
        offenders.push(`${f} reads clock/env/random`);
    }
    expect(offenders).toEqual([]);
  });

  it('never lets the scheduler reach job code', () => {
    const offenders = files('src/runtime')
      .filter((f) => /scheduler/.test(f))
      .flatMap((f) =>
        imports(f)
          .filter((i) => /(^|\/)jobs\/|task-runner|worker/.test(i))
          .map((i) => `${f} -> ${i}`),
      );
    expect(offenders).toEqual([]);
  });
});
