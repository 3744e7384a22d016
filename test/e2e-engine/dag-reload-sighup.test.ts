/**
 * `sluice standalone` re-reads dags/ on SIGHUP (interval reloads off): a DAG file added while it runs is
 * listed and can run; an edit that breaks it keeps the last good version.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/web/api-client.ts';
import { waitFor } from '../engine/wait-for.ts';
import { type CliHome, cliHome, exited } from './cli-harness.ts';

const SDK = join(import.meta.dirname, '../../src/sdk/index.ts');

describe('sluice standalone and SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sighup-'));
  let cli: CliHome | undefined;
  afterAll(() => {
    cli?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const dag = (id: string, body: string) =>
    writeFileSync(
      join(dir, 'dags', `${id}.ts`),
      `import { defineDag } from '${SDK}';\nexport default defineDag({ description: '${id}', schedule: null, ` +
        `startDate: '2026-01-01T00:00:00Z', tasks: ${body} });\n`,
    );

  it('loads a DAG added while it runs, and keeps the last good version of a broken one', async () => {
    mkdirSync(join(dir, 'dags'));
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(
      join(dir, 'jobs/noop.ts'),
      `import { defineJob } from '${SDK}';\nexport default defineJob({ description: 'no-op', run: () => ({ ok: true }) });\n`,
    );
    dag('alpha', `{ a: { job: 'noop' } }`);
    cli = await cliHome(dir);
    const server = cli.spawn(['standalone', '--port', '0'], { SLUICE_DAG_RELOAD_INTERVAL: '0' });
    const api = new ApiClient(await cli.serverUrl());
    const ids = async () => (await api.listDags()).dags.map((d) => d.dagId);
    expect(await ids()).toEqual(['alpha']);

    dag('beta', `{ b1: { job: 'noop' }, b2: { job: 'noop', upstream: ['b1'] } }`);
    writeFileSync(join(dir, 'dags/alpha.ts'), 'export default {'); // broken
    server.kill('SIGHUP');
    await waitFor(async () => ((await ids()).includes('beta') ? true : undefined), { what: 'beta to load' });
    expect(await ids()).toEqual(['alpha', 'beta']);
    expect(server.output()).toMatch(/dags\/alpha\.ts: cannot be loaded: .*keeping its last good version/);

    const run = await api.triggerDag('beta', { intervalStart: '2026-02-01T00:00:00Z' });
    await waitFor(async () => ((await api.getRun(run.runId)).run.state === 'success' ? true : undefined), {
      what: 'the new DAG to run',
    });
    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
  });
});
