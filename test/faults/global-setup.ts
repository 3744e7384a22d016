/**
 * Global setup of `npm run test:faults`: picks the seed (FAULTS_SEED, or a random one, printed so the run can
 * be repeated exactly), gives the test files a tally file, and at the end makes sure Redis and PostgreSQL run
 * again and prints what the suite did: trials, invariant checks and violations, per scenario and in total.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensurePostgresRunning, ensureRedisRunning } from './services.ts';
import type { TallyLine } from './tally.ts';

export default function setup(project: TestProject) {
  const seed = process.env.FAULTS_SEED || String(randomInt(2 ** 31));
  const dir = mkdtempSync(join(tmpdir(), 'sluice-faults-'));
  const tallyFile = join(dir, 'tally.jsonl');
  project.provide('faultsSeed', seed);
  project.provide('faultsTallyFile', tallyFile);
  const started = performance.now();
  process.stdout.write(`faults: seed ${seed} (repeat exactly: FAULTS_SEED=${seed} npm run test:faults)\n`);

  return async () => {
    await ensureRedisRunning().catch((e: Error) => process.stdout.write(`faults: Redis: ${e.message}\n`));
    await ensurePostgresRunning().catch((e: Error) =>
      process.stdout.write(`faults: PostgreSQL: ${e.message}\n`),
    );
    const lines: TallyLine[] = existsSync(tallyFile)
      ? readFileSync(tallyFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as TallyLine)
      : [];
    rmSync(dir, { recursive: true, force: true });
    const out: string[] = [''];
    for (const l of lines) {
      const known = l.knownBug ? ` (known bug, it.fails: ${l.knownBug})` : '';
      out.push(
        `faults: ${l.scenario}: ${l.trials} trials, ${l.checks} invariant checks, ${l.violations.length} violations${known}`,
      );
      for (const n of l.notes) out.push(`  ${n}`);
      for (const v of l.violations) out.push(`  ${l.knownBug ? 'KNOWN BUG' : 'VIOLATION'} ${v}`);
    }
    const sum = (f: (l: TallyLine) => number) => lines.reduce((n, l) => n + f(l), 0);
    const seconds = Math.round((performance.now() - started) / 1000);
    const known = sum((l) => (l.knownBug ? l.violations.length : 0));
    out.push(
      `faults: ${sum((l) => l.trials)} trials, ${sum((l) => l.checks)} invariant checks, ` +
        `${sum((l) => (l.knownBug ? 0 : l.violations.length))} violations` +
        `${known ? ` (+${known} from known bugs pinned with it.fails)` : ''} (seed ${seed}, ${seconds} s)`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  };
}
