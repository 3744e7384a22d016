/**
 * Kill `sluice standalone` (SIGKILL) while a task runs, start it again: the run resumes, tasks that had
 * succeeded do not run again, the interrupted task is retried with a higher try number.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/web/api-client.ts';
import { FIXTURES } from '../engine/harness.ts';
import { waitFor } from '../engine/wait-for.ts';
import { type CliHome, cliHome, exited } from './cli-harness.ts';

describe('standalone killed mid-run', () => {
  let cli: CliHome | undefined;
  afterAll(() => cli?.cleanup());

  it('resumes the run after a restart without re-running succeeded tasks', async () => {
    cli = await cliHome(join(FIXTURES, 'dags-engine'));
    const marker = join(cli.home, 'marker');
    const first = cli.spawn(['standalone', '--port', '0'], {
      SLUICE_TEST_MARKER: marker,
      SLUICE_TEST_SLOW_MS: '600000',
    });
    const api = new ApiClient(await cli.serverUrl());
    const run = await api.triggerDag('interruptible', { intervalStart: '2026-04-01T00:00:00Z' });
    // `slow` has started its first try: kill the whole process, no chance to clean up.
    await waitFor(() => readdirSync(cli!.home).includes('marker.slow.try1'), { what: 'slow to start' });
    first.kill('SIGKILL');
    await exited(first);
    expect(existsSync(join(cli.home, 'server.json'))).toBe(true);

    const second = cli.spawn(['standalone', '--port', '0'], {
      SLUICE_TEST_MARKER: marker,
      SLUICE_TEST_SLOW_MS: '10',
    });
    const api2 = new ApiClient(
      await waitFor(
        async () => {
          const url = await cli!.serverUrl();
          const alive = await fetch(`${url}/api/cli/health`).then(
            (r) => r.ok,
            () => false,
          );
          return alive ? url : undefined;
        },
        { what: 'the restarted server', timeoutMs: 30_000 },
      ),
    );
    const detail = await waitFor(
      async () => {
        const d = await api2.getRun(run.runId);
        return d.run.state === 'success' || d.run.state === 'failed' ? d : undefined;
      },
      { what: 'the run to finish after the restart', timeoutMs: 30_000 },
    );
    expect(detail.run.state).toBe('success');
    const byTask = Object.fromEntries(detail.tasks.map((t) => [t.taskId, t]));
    expect(byTask.first).toMatchObject({ state: 'success', tryNumber: 1 });
    expect(byTask.slow).toMatchObject({ state: 'success', tryNumber: 2 });
    expect(byTask.last).toMatchObject({ state: 'success', tryNumber: 1 });
    // The first task never ran again; the interrupted try was declared lost.
    expect(
      readdirSync(cli.home)
        .filter((f) => f.startsWith('marker.'))
        .sort(),
    ).toEqual(['marker.slow.try1', 'marker.slow.try2']);
    const logs = await api2.taskLogs(run.runId, 'slow', 1);
    expect(logs.lines.map((l) => l.message).join('\n')).toMatch(/try 1 lost: worker .* is gone/);
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  });
});
