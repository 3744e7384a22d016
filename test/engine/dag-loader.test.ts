/**
 * Bad DAG files give one clear message naming the file; the other DAGs still load.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDags } from '../../src/runtime/dag-loader.ts';
import { FIXTURES } from './harness.ts';

const SDK = pathToFileURL(join(import.meta.dirname, '../../src/sdk/index.ts')).href;

/** Copy the bad-DAG fixture to a temp project (imports made absolute) and add a file with a syntax error. */
function badProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bad-dags-'));
  cpSync(join(FIXTURES, 'dags-bad'), dir, { recursive: true });
  for (const sub of ['dags', 'jobs'])
    for (const f of readdirSync(join(dir, sub))) {
      const p = join(dir, sub, f);
      writeFileSync(p, readFileSync(p, 'utf8').replaceAll('../../../../src/sdk/index.ts', SDK));
    }
  writeFileSync(
    join(dir, 'dags', 'syntax_error.ts'),
    `import { defineDag } from '${SDK}';\nexport default defineDag({ schedule: null, tasks: { a: { job: 'noop' } }\n`,
  );
  return dir;
}

describe('dag loader', () => {
  const dir = badProject();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the good DAG and gives one message per bad file, naming it', async () => {
    const dags = await loadDags(dir);
    expect(dags.list().map((d) => d.id)).toEqual(['good']);
    expect(dags.errors).toHaveLength(5);
    const byFile = Object.fromEntries(dags.errors.map((e) => [e.slice(0, e.indexOf(':')), e]));
    expect(Object.keys(byFile).sort()).toEqual([
      'dags/bad_cron.ts',
      'dags/cycle.ts',
      'dags/not_a_dag.ts',
      'dags/syntax_error.ts',
      'dags/unknown_job.ts',
    ]);
    expect(byFile['dags/cycle.ts']).toMatch(/tasks: cycle: (a -> b -> a|b -> a -> b)/);
    expect(byFile['dags/unknown_job.ts']).toMatch(
      /tasks\.a\.job: unknown job "does_not_exist": no file jobs\/does_not_exist\.ts/,
    );
    expect(byFile['dags/bad_cron.ts']).toMatch(/schedule: invalid cron "\*\/15 \* \* \*"/);
    expect(byFile['dags/syntax_error.ts']).toMatch(/^dags\/syntax_error\.ts: cannot be loaded: /);
    expect(byFile['dags/not_a_dag.ts']).toMatch(/default export must be defineDag/);
    for (const e of dags.errors) expect(e.split('\n')).toHaveLength(1);
  });
});
