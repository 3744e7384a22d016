/**
 * DAG files edited while a process runs: reloads pick up new, changed and deleted DAGs; a broken edit keeps
 * the last good version and says so once; the reload loop runs on its interval and on demand; a running
 * engine schedules a DAG added after it started.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/ports/logger.ts';
import { startDagReloads } from '../../src/runtime/dag-reload-loop.ts';
import { loadReloadableDags } from '../../src/runtime/dag-reloader.ts';
import { createJobLoader } from '../../src/runtime/job-loader.ts';
import { createLocalEngine } from '../../src/runtime/local-engine.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { openTestStore, type TestStore } from '../metadata/test-stores.ts';
import { FakeClock } from './fake-clock.ts';
import { noResources } from './harness.ts';
import { silentLogger } from './silent-logger.ts';
import { waitFor } from './wait-for.ts';

const SDK = join(import.meta.dirname, '../../src/sdk/index.ts');

/** A logger that keeps its lines. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger: Logger & { lines: string[] } = {
    lines,
    debug: () => {},
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    child: () => logger,
  };
  return logger;
}

/** A project folder with a no-op job; `write` bumps the file's time so every edit is seen. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-reload-'));
  mkdirSync(join(dir, 'dags'));
  mkdirSync(join(dir, 'jobs'));
  writeFileSync(
    join(dir, 'jobs/noop.ts'),
    `import { defineJob } from '${SDK}';\nexport default defineJob({ description: 'no-op', run: () => ({ ok: true }) });\n`,
  );
  let tick = Date.now() / 1000;
  return {
    dir,
    write(id: string, body: string) {
      const file = join(dir, 'dags', `${id}.ts`);
      writeFileSync(file, `import { defineDag } from '${SDK}';\n${body}\n`);
      tick += 10;
      utimesSync(file, tick, tick);
    },
    dag(id: string, tasks: string, schedule = 'null') {
      this.write(
        id,
        `export default defineDag({ description: '${id}', schedule: ${schedule}, startDate: '2026-01-01T00:00:00Z', tasks: ${tasks} });`,
      );
    },
    remove(id: string) {
      unlinkSync(join(dir, 'dags', `${id}.ts`));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const AB = `{ a: { job: 'noop' }, b: { job: 'noop', upstream: ['a'] } }`;
const ABC = `{ a: { job: 'noop' }, b: { job: 'noop', upstream: ['a'] }, c: { job: 'noop', upstream: ['b'] } }`;

describe('DAG reload', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('follows added, changed and deleted files; a broken edit keeps the last good version, said once', async () => {
    const p = project();
    cleanups.push(() => p.cleanup());
    p.dag('alpha', AB);
    const logger = recordingLogger();
    const dags = await loadReloadableDags(p.dir, logger);
    const tasks = (id: string) => dags.get(id)?.tasks.map((t) => t.id);
    expect(tasks('alpha')).toEqual(['a', 'b']);
    const before = dags.get('alpha');

    expect((await dags.reload()).changed).toBe(false);
    expect(dags.get('alpha')).toBe(before);

    p.dag('alpha', ABC);
    p.dag('beta', AB);
    expect(await dags.reload()).toEqual({
      changed: true,
      added: ['beta'],
      updated: ['alpha'],
      removed: [],
      kept: [],
    });
    expect(tasks('alpha')).toEqual(['a', 'b', 'c']);

    // A syntax error: alpha keeps its three tasks, and the problem is logged once, naming the file.
    p.write('alpha', 'export default defineDag({ tasks: { a: { job: ');
    logger.lines.length = 0;
    expect(await dags.reload()).toMatchObject({ changed: false, kept: ['alpha'] });
    expect(tasks('alpha')).toEqual(['a', 'b', 'c']);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^error dags\/alpha\.ts: cannot be loaded: .*; keeping its last good version$/),
    ]);
    expect(dags.errors).toEqual([expect.stringMatching(/^dags\/alpha\.ts: /)]);
    p.dag('beta', AB); // another file changes: alpha is still broken, and not reported again
    logger.lines.length = 0;
    await dags.reload();
    expect(logger.lines.filter((l) => l.includes('alpha'))).toEqual([]);
    // Broken differently (a bad cron): reported again, still the last good version.
    p.dag('alpha', ABC, `'every minute'`);
    await dags.reload();
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^error dags\/alpha\.ts: invalid DAG .*schedule.*; keeping its last good version$/,
      ),
    ]);
    expect(dags.get('alpha')?.schedule).toBeNull();

    // Fixed: the new version loads; a new file broken from the start is not loaded.
    p.dag('alpha', AB, `'*/15 * * * *'`);
    p.dag('gamma', `{ a: { job: 'no_such_job' } }`);
    logger.lines.length = 0;
    expect(await dags.reload()).toMatchObject({ changed: true, updated: ['alpha'], kept: [] });
    expect(dags.get('alpha')?.schedule).toBe('*/15 * * * *');
    expect(dags.get('gamma')).toBeUndefined();
    expect(logger.lines).toContain('info dags/alpha.ts: valid again');
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^error dags\/gamma\.ts: .*no_such_job.*; not loaded$/),
    );

    p.remove('beta');
    expect(await dags.reload()).toMatchObject({ changed: true, removed: ['beta'] });
    expect(dags.list().map((s) => s.id)).toEqual(['alpha']);
  });

  it('reloads on its interval and on demand, and runs onChange after a change only', async () => {
    const p = project();
    cleanups.push(() => p.cleanup());
    p.dag('alpha', AB);
    const dags = await loadReloadableDags(p.dir, silentLogger);
    const clock = new FakeClock('2026-01-01T10:00:00Z');
    const changes: string[][] = [];
    const loop = startDagReloads({
      dags,
      intervalMs: 30_000,
      clock,
      logger: silentLogger,
      onChange: (r) => {
        changes.push([...r.added, ...r.updated]);
      },
    });
    cleanups.push(() => loop.stop());
    p.dag('beta', AB);
    clock.advance(29_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(changes).toEqual([]);
    clock.advance(1);
    await waitFor(() => changes.length === 1 || undefined, { what: 'the interval reload' });
    expect(changes).toEqual([['beta']]);
    p.dag('gamma', AB);
    expect((await loop.reloadNow())?.added).toEqual(['gamma']);
    expect((await loop.reloadNow())?.changed).toBe(false);
    expect(changes).toEqual([['beta'], ['gamma']]);
  });

  it('lets a running engine schedule a DAG added after it started', async () => {
    const p = project();
    cleanups.push(() => p.cleanup());
    p.dag('alpha', AB);
    let t: TestStore | undefined = await openTestStore('pglite');
    cleanups.push(async () => {
      await t?.cleanup();
      t = undefined;
    });
    const store = t.store;
    const dags = await loadReloadableDags(p.dir, silentLogger);
    const clock = new FakeClock('2026-01-01T10:00:00Z');
    const engine = createLocalEngine({
      store,
      dags,
      jobs: createJobLoader(p.dir),
      clock,
      logger: silentLogger,
      resources: noResources,
    });
    await engine.start();
    cleanups.push(() => engine.stop(1_000));
    const loop = startDagReloads({
      dags,
      intervalMs: 0,
      clock,
      logger: silentLogger,
      onChange: async () => {
        await engine.scheduler.prepare();
        engine.scheduler.notify();
      },
    });
    cleanups.push(() => loop.stop());

    p.dag('late', `{ x: { job: 'noop', pool: 'late_pool' }, y: { job: 'noop', upstream: ['x'] } }`);
    await loop.reloadNow();
    expect((await store.getDag('late'))?.file).toBe('dags/late.ts');
    expect((await store.listPools()).map((pool) => pool.name)).toContain('late_pool');
    const run = await triggerRun(store, dags, { dagId: 'late', now: clock.now() });
    engine.scheduler.notify();
    await waitFor(async () => (await store.getRun(run.runId))?.state === 'success' || undefined, {
      what: 'the new DAG to run',
    });
  });
});
