/**
 * (f) The local bucket fails during archive. Archive is a rename on one filesystem (docs/adr/0007), so the
 * faults are made real:
 * - disk full, on the embedded stack (`sluice run`: PGlite, DuckDB, in-process executor): a tiny tmpfs is
 *   mounted on `bucket/archive`, so the move becomes copy + delete across filesystems and the copy runs out
 *   of space after two files; after the space is freed (remount), the next run takes the batch over;
 * - permission denied, on the distributed stack: the worker taking the `default` queue (sense, archive) runs
 *   as `nobody` and `archive/orders/` belongs to root; after the mode is fixed, clearing the failed task
 *   (what the UI's "clear" does) lets the same run archive.
 * Each time the run must end failed saying why, lose nothing (every file in exactly one place, unchanged),
 * and keep the published data exact; once fixed, everything is archived.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openMetadataStoreAt } from '../../src/adapters/metadata/open-metadata-store.ts';
import { BatchSeries } from './batch-series.ts';
import { EmbeddedStack } from './embedded-stack.ts';
import { PipelineStack } from './pipeline-stack.ts';
import { scenarioSeed, Tally } from './tally.ts';

const SCENARIO = 'disk full and permission denied during archive';
const NOBODY = 65534;
const tally = new Tally(SCENARIO);
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => tally.flush());

interface LedgerRow extends Record<string, unknown> {
  object: string;
  state: string;
}

describe('faults: the local bucket fails during archive', () => {
  it('disk full (tiny tmpfs on archive/): the run fails saying so, nothing is lost, the next run archives', async (ctx) => {
    const before = tally.violations().length;
    const seed = scenarioSeed(`${SCENARIO}/disk-full`);
    const stack = await EmbeddedStack.open(seed);
    cleanups.push(() => stack.close());
    const series = new BatchSeries(() => stack.world, seed, tally);
    const batch = await series.land();

    // Room for the first two files of the batch, not the third.
    const mnt = join(stack.home, 'bucket', 'archive');
    mkdirSync(mnt, { recursive: true });
    const room =
      batch.files.slice(0, 2).reduce((n, f) => n + Math.ceil(f.bytes.length / 4096) * 4096, 0) + 4096;
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${room}`, 'tmpfs', mnt], {
      encoding: 'utf8',
    });
    if (mounted.status !== 0) {
      tally.note(`disk full: skipped, cannot mount a tmpfs here (${mounted.stderr.trim()})`);
      ctx.skip();
    }
    cleanups.push(() => void spawnSync('umount', ['-l', mnt]));

    const failed = await stack.run(batch.intervalStart);
    tally.trial();
    tally.equal('disk full: sluice run exits 1', failed.code, 1);
    tally.check(
      'disk full: archive_files failed saying the disk is full',
      failed.errors.some((e) => /^archive_files: .*no space left on device/.test(e)),
      () => failed.errors.join(' | ') || failed.output.slice(-2000),
    );
    const ledger = await stack.meta<LedgerRow>(
      `select object, state from file_ledger where entity = 'orders' order by landed_at, object`,
    );
    const archivedFirst = ledger.filter((l) => l.state === 'archived').map((l) => l.object);
    tally.equal(
      'disk full: the files that fitted were archived, in landing order',
      archivedFirst,
      batch.files.slice(0, 2).map((f) => f.name),
    );
    await series.check(
      'disk full: failed run',
      series.expect(batch, { outcome: /no space left on device/, archived: false }),
    );

    // Free the space; the next run takes over the batch's unarchived files with its own and archives all.
    expect(spawnSync('mount', ['-o', 'remount,size=64m', mnt]).status).toBe(0);
    const next = await series.land();
    const done = await stack.run(next.intervalStart);
    tally.equal('disk full, fixed: the next run succeeds', done.state, 'success');
    const takenOver = batch.files.filter((f) => !archivedFirst.includes(f.name));
    await series.check(
      'disk full, fixed: next run',
      series.expect(next, { files: [...takenOver, ...next.files] }),
    );
    tally.note(
      `disk full: ${archivedFirst.length} of ${batch.files.length} files archived before the disk filled; the next run took over ${takenOver.length}`,
    );
    expect(tally.violations(before)).toEqual([]);
  });

  it('permission denied (archive/ not writable by the worker): the run fails saying so, nothing is lost, clearing the task archives', async () => {
    const before = tally.violations().length;
    const seed = scenarioSeed(`${SCENARIO}/permission`);
    const stack = await PipelineStack.open(seed);
    cleanups.push(() => stack.close());
    const s = stack;
    const series = new BatchSeries(() => s.world, seed, tally);

    // The bucket is root's; landing is open to all (upstream drops files there), archive/orders is not.
    const bucket = join(s.home, 'bucket');
    const scratch = join(s.home, 'tmp-nobody');
    for (const dir of [join(bucket, 'landing', 'orders'), join(bucket, 'archive', 'orders'), scratch])
      mkdirSync(dir, { recursive: true });
    for (const dir of [
      s.home,
      s.project,
      bucket,
      join(bucket, 'landing'),
      join(bucket, 'archive'),
      join(s.project, 'dags'),
    ])
      chmodSync(dir, 0o755);
    chmodSync(join(bucket, 'landing', 'orders'), 0o777);
    chmodSync(join(bucket, 'archive', 'orders'), 0o755);
    chmodSync(scratch, 0o777);
    expect(statSync(join(bucket, 'archive', 'orders')).uid).toBe(0);

    await s.startWorker({ queues: 'warehouse' });
    await s.startWorker({ queues: 'default', uid: NOBODY, gid: NOBODY, env: { TMPDIR: scratch } });
    await s.startScheduler();
    const batch = await series.land();
    const runId = s.trigger(batch.intervalStart);
    tally.trial();
    tally.equal('permission: the run fails', await s.waitForRun(runId), 'failed');
    const tries = await s.meta<{ state: string; error_code: string | null; error_message: string | null }>(
      `select state, error_code, error_message from task_tries where run_id = $1 and task_id = 'archive_files' order by try_number`,
      [runId],
    );
    tally.check(
      'permission: every archive try failed with E_OBJECT_ACCESS_DENIED naming the object',
      tries.length === 3 &&
        tries.every(
          (t) =>
            t.error_code === 'E_OBJECT_ACCESS_DENIED' &&
            /permission denied to move to archive\/orders\//.test(t.error_message ?? ''),
        ),
      () => JSON.stringify(tries),
    );
    await series.check(
      'permission: failed run',
      series.expect(batch, { outcome: /permission denied/, archived: false }),
    );

    // Fix the mode, clear the failed task: the same run archives exactly its files.
    chmodSync(join(bucket, 'archive', 'orders'), 0o777);
    const store = await openMetadataStoreAt({ url: s.deployment.metadataUrl, migrate: false });
    try {
      tally.equal(
        'permission: clearing archive_files',
        await store.clearTasks(runId, { taskIds: ['archive_files'] }, new Date()),
        ['archive_files'],
      );
    } finally {
      await store.close();
    }
    tally.equal('permission, fixed: the cleared run succeeds', await s.waitForRun(runId), 'success');
    await series.check('permission, fixed: cleared run', series.expect(batch));
    tally.note(
      `permission: ${tries.length} archive tries denied; after chmod and clear, try ${tries.length + 1} archived ${batch.files.length} files`,
    );
    expect(tally.violations(before)).toEqual([]);
  });
});
