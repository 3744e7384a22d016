/** `bin/sluice.js` is what `npx sluice` runs: under the machine's older Node it must hand over to the pinned Node 24. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/sluice.js');
const commands = [
  'init',
  'standalone',
  'scheduler',
  'worker',
  'web',
  'demo',
  'dags',
  'run',
  'runs',
  'tasks',
  'backfill',
  'generate',
  'files',
  'sql',
];

describe('bin/sluice.js', () => {
  it('lists every command with the pinned Node', () => {
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const c of commands) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it.runIf(existsSync('/usr/bin/node'))(
    're-executes itself with Node 24 when started by an older Node',
    () => {
      const r = spawnSync('/usr/bin/node', [bin, '--version'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    },
  );

  it('exits 2 with one line for an unknown command', () => {
    const r = spawnSync(process.execPath, [bin, 'nosuchcommand'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'nosuchcommand'/);
  });
});
