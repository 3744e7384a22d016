/**
 * The backfill records on both metadata backends: one running backfill per DAG, claims that respect the
 * backfill's max-active-runs and never hand an interval out twice (two stores on one Postgres), skips in
 * bulk, taking over a finished run, cancel, and settling.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KyselyMetadataStore } from '../../src/adapters/metadata/kysely/kysely-metadata-store.ts';
import { runIdFor } from '../../src/core/ids.ts';
import { BACKENDS, openTestStore, type TestStore } from '../metadata/test-stores.ts';

const at = (iso: string) => new Date(iso);
const T0 = at('2026-03-01T00:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

function newBackfill(dagId: string, days: number, maxActiveRuns = 2) {
  return {
    dagId,
    from: day(0),
    to: day(days),
    reprocess: 'missing' as const,
    maxActiveRuns,
    intervals: Array.from({ length: days }, (_, i) => ({
      start: day(i),
      end: day(i + 1),
      runId: runIdFor(dagId, day(i)),
    })),
  };
}

async function makeRun(store: KyselyMetadataStore, dagId: string, start: Date, backfillId: string | null) {
  return store.createRun(
    {
      dagId,
      runType: backfillId ? 'backfill' : 'scheduled',
      backfillId,
      intervalStart: start,
      intervalEnd: new Date(start.getTime() + 86_400_000),
      tasks: [{ taskId: 'only', pool: 'default', priority: 0 }],
    },
    start,
  );
}

describe.each(BACKENDS)('backfill records on %s', (backend) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('creates a backfill with pending intervals, one running backfill per DAG', async () => {
    t = await openTestStore(backend);
    const b = t.store.backfills;
    const created = await b.create(newBackfill('daily', 3), at('2026-04-01T00:00:00Z'));
    expect(created).toMatchObject({ dagId: 'daily', state: 'running', totalIntervals: 3, maxActiveRuns: 2 });
    expect(created.backfillId).toMatch(/^bf-\d+$/);
    await expect(b.create(newBackfill('daily', 2), at('2026-04-01T00:00:00Z'))).rejects.toMatchObject({
      code: 'E_CONFLICT',
      message: expect.stringContaining(`already has a running backfill ${created.backfillId}`),
    });
    // Another DAG is free.
    await b.create(newBackfill('other', 1), at('2026-04-01T00:00:00Z'));
    const intervals = await b.listIntervals(created.backfillId);
    expect(intervals.map((i) => [i.intervalStart.toISOString().slice(0, 10), i.state, i.runId])).toEqual([
      ['2026-03-01', 'pending', 'daily__20260301T0000Z'],
      ['2026-03-02', 'pending', 'daily__20260302T0000Z'],
      ['2026-03-03', 'pending', 'daily__20260303T0000Z'],
    ]);
    expect((await b.list({ dagId: 'daily' })).map((x) => x.backfillId)).toEqual([created.backfillId]);
    expect(await b.counts(created.backfillId)).toEqual({
      total: 3,
      pending: 3,
      skipped: 0,
      cancelled: 0,
      queued: 0,
      running: 0,
      success: 0,
      failed: 0,
    });
  });

  it('claims at most max-active-runs intervals, counting the backfill runs that are active', async () => {
    t = await openTestStore(backend);
    const b = t.store.backfills;
    const now = at('2026-04-01T00:00:00Z');
    const stale = at('2026-03-31T23:59:00Z');
    const bf = await b.create(newBackfill('daily', 4, 2), now);
    expect(await b.claim(bf.backfillId, day(0), 2, now, stale)).toBe(true);
    expect(await b.claim(bf.backfillId, day(0), 2, now, stale)).toBe(false); // already claimed
    expect(await b.claim(bf.backfillId, day(1), 2, now, stale)).toBe(true);
    expect(await b.claim(bf.backfillId, day(2), 2, now, stale)).toBe(false); // limit reached
    // Day 0 becomes a started run: still counted (queued), until it ends.
    await makeRun(t.store, 'daily', day(0), bf.backfillId);
    await b.markStarted(bf.backfillId, day(0), 'create', null, now);
    expect(await b.activeCount(bf.backfillId)).toBe(2);
    expect(await b.claim(bf.backfillId, day(2), 2, now, stale)).toBe(false);
    await t.store.transitionRun(runIdFor('daily', day(0)), ['queued'], 'running', now);
    await t.store.transitionRun(runIdFor('daily', day(0)), ['running'], 'success', now);
    expect(await b.claim(bf.backfillId, day(2), 2, now, stale)).toBe(true);
    // A released claim goes back to pending.
    await b.release(bf.backfillId, day(2));
    const next = await b.nextIntervals(bf.backfillId, { limit: 10, staleBefore: stale });
    expect(next.map((n) => [n.interval.intervalStart.toISOString().slice(0, 10), n.interval.state])).toEqual([
      ['2026-03-03', 'pending'],
      ['2026-03-04', 'pending'],
    ]);
    // A claim older than the stale mark is offered again (its scheduler died).
    const later = await b.nextIntervals(bf.backfillId, {
      limit: 10,
      staleBefore: at('2026-04-01T00:00:01Z'),
    });
    expect(later.map((n) => n.interval.state)).toEqual(['claimed', 'pending', 'pending']);
    expect(await b.counts(bf.backfillId)).toMatchObject({ pending: 3, success: 1 });
  });

  it('skips in bulk, takes over a finished run, cancels and settles', async () => {
    t = await openTestStore(backend);
    const { store } = t;
    const b = store.backfills;
    const now = at('2026-04-01T00:00:00Z');
    const stale = at('2026-03-31T00:00:00Z');
    const live = await makeRun(store, 'daily', day(1), null);
    await store.transitionRun(live!.runId, ['queued'], 'running', now);
    await store.transitionRun(live!.runId, ['running'], 'failed', now);
    const bf = await b.create(newBackfill('daily', 3, 5), now);
    const next = await b.nextIntervals(bf.backfillId, { limit: 10, staleBefore: stale });
    expect(next.map((n) => n.run?.state ?? null)).toEqual([null, 'failed', null]);
    expect(
      await b.markSkipped(bf.backfillId, [{ intervalStart: day(2), reason: 'nope', priorState: null }], now),
    ).toBe(1);
    // Taking over compares the state: a changed run is left alone.
    expect(await b.adoptRun(live!.runId, bf.backfillId, 'success')).toBe(false);
    expect(await b.adoptRun(live!.runId, bf.backfillId, 'failed')).toBe(true);
    expect(await store.getRun(live!.runId)).toMatchObject({ runType: 'backfill', backfillId: bf.backfillId });
    expect(await b.claim(bf.backfillId, day(1), 5, now, stale)).toBe(true);
    await store.clearTasks(live!.runId, {}, now);
    await b.markStarted(bf.backfillId, day(1), 'clear', 'failed', now);
    expect(await b.completeIfSettled(bf.backfillId, now)).toBe(false);

    const cancelled = await b.cancel(bf.backfillId, now);
    expect(cancelled).toMatchObject({ state: 'cancelled', completedAt: null });
    expect(await b.claim(bf.backfillId, day(0), 5, now, stale)).toBe(false);
    expect(await b.counts(bf.backfillId)).toMatchObject({ cancelled: 1, skipped: 1, queued: 1 });
    // Still active: its run must finish first.
    expect((await b.listActive()).map((x) => x.backfillId)).toEqual([bf.backfillId]);
    expect(await b.completeIfSettled(bf.backfillId, now)).toBe(false);
    await store.transitionRun(live!.runId, ['queued'], 'running', now);
    await store.transitionRun(live!.runId, ['running'], 'success', now);
    expect(await b.completeIfSettled(bf.backfillId, now)).toBe(true);
    expect(await b.get(bf.backfillId)).toMatchObject({ state: 'cancelled', completedAt: now });
    expect(await b.listActive()).toEqual([]);
    // A new backfill of the DAG may start once none runs.
    await b.create(newBackfill('daily', 1), now);
  });

  if (backend === 'postgres')
    it('two stores racing for slots never exceed max-active-runs nor claim an interval twice', async () => {
      t = await openTestStore('postgres');
      const other = await t.another();
      const now = at('2026-04-01T00:00:00Z');
      const stale = at('2026-03-31T00:00:00Z');
      const bf = await t.store.backfills.create(newBackfill('daily', 20, 3), now);
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : t!.store).backfills.claim(bf.backfillId, day(i % 5), 3, now, stale),
        ),
      );
      expect(attempts.filter(Boolean)).toHaveLength(3);
      expect(await t.store.backfills.counts(bf.backfillId)).toMatchObject({ pending: 20 });
      const claimed = await t.store.backfills.listIntervals(bf.backfillId, { states: ['claimed'] });
      expect(claimed).toHaveLength(3);
    });
});
