/**
 * Backfills executed by the real scheduler on a fake clock: live runs start on the tick their interval ends
 * even while a backfill holds runs of the same DAG (maxActiveRuns 1) and a 1-slot pool; the backfill keeps to
 * its own max-active-runs; reprocess modes; an interval whose run is in progress waits; cancel stops new runs
 * and lets started ones finish.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runIdFor } from '../../src/core/ids.ts';
import { triggerRun } from '../../src/runtime/trigger-run.ts';
import { waitFor } from '../engine/wait-for.ts';
import { type BackfillHarness, openBackfillHarness } from './support/backfill-harness.ts';

const HOURLY = 'hourly_gate';
const DAILY = 'daily_pair';
const at = (iso: string) => new Date(iso);
const SEC = 1_000;

async function pauseAll(h: BackfillHarness) {
  for (const spec of h.dags.list()) await h.store.setPaused(spec.id, true);
}

describe('backfills in the scheduler', () => {
  let h: BackfillHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('never delays the live run: started on the tick its interval ends, first to the pool slot', async () => {
    h = await openBackfillHarness({ start: '2026-03-10T10:00:30Z' });
    const { store, gate } = h;
    await store.setPaused(DAILY, true);
    // The live schedule is at 10:00: its next interval [10:00, 11:00) is due at 11:00.
    await store.advanceSchedule(HOURLY, null, at('2026-03-10T10:00:00Z'));
    gate.holdWhen((_run, _task, runType) => runType === 'backfill');
    const created = await h.backfills.create({
      dagId: HOURLY,
      from: '2026-03-09',
      to: '2026-03-10',
      maxActiveRuns: 2,
    });
    expect(created.plan).toMatchObject({ intervals: 24, create: 24 });
    const id = created.backfill.backfillId;

    await h.tick();
    await h.settle();
    const backfillRuns = () =>
      store.listRuns({ backfillId: id, states: ['queued', 'running'], order: 'asc', limit: 100 });
    expect((await backfillRuns()).map((r) => r.runId)).toEqual([
      'hourly_gate__20260309T0000Z',
      'hourly_gate__20260309T0100Z',
    ]);
    expect(gate.held).toEqual(['hourly_gate__20260309T0000Z/work']); // the one pool slot

    // 11:00: the live interval is due. The DAG allows one active run and two backfill runs are active.
    await h.advance(59 * 60 * SEC + 30 * SEC);
    const live = await store.getRun(runIdFor(HOURLY, at('2026-03-10T10:00:00Z')));
    expect(live).toMatchObject({
      runType: 'scheduled',
      state: 'running',
      startedAt: at('2026-03-10T11:00:00Z'),
    });
    expect((await backfillRuns()).length).toBe(2);

    // The slot frees: the live task takes it before the older backfill task that waited longer.
    gate.release('hourly_gate__20260309T0000Z');
    await h.settle();
    await h.advance(SEC);
    await h.settle();
    const order = gate.started.map((s) => s.runId);
    expect(order.slice(0, 2)).toEqual(['hourly_gate__20260309T0000Z', 'hourly_gate__20260310T1000Z']);
    await h.advance(SEC);
    await h.settle();
    expect(await store.getRun(live!.runId)).toMatchObject({ state: 'success' });

    // Then the backfill finishes, never more than two of its runs active at once.
    gate.releaseAll();
    let maxActive = 0;
    await waitFor(async () => {
      await h!.advance(SEC);
      await h!.settle();
      maxActive = Math.max(maxActive, (await backfillRuns()).length);
      return (await h!.backfills.status(id)).completedAt !== null;
    });
    expect(maxActive).toBeLessThanOrEqual(2);
    const done = await h.backfills.status(id);
    expect(done).toMatchObject({ state: 'completed', runsPlanned: 24, runsDone: 24 });
    expect(done.counts).toMatchObject({ success: 24, failed: 0, pending: 0 });
    const all = await h.runs(HOURLY);
    expect(all.filter((r) => r.runType === 'backfill')).toHaveLength(24);
    expect(all.every((r) => r.state === 'success')).toBe(true);
  });

  it('missing skips intervals with runs; failed also re-runs failed ones; all re-runs every one', async () => {
    h = await openBackfillHarness({ start: '2026-03-20T12:00:00Z' });
    const { store, gate } = h;
    // No live schedule here; a paused DAG still runs its backfills (they are explicit requests).
    await pauseAll(h);
    // Existing history: 03-01 success, 03-02 failed, 03-03 none.
    gate.failing.add(runIdFor(DAILY, at('2026-03-02T00:00:00Z')));
    for (const day of ['2026-03-01', '2026-03-02'])
      await triggerRun(store, h.dags, {
        dagId: DAILY,
        intervalStart: at(`${day}T00:00:00Z`),
        now: h.clock.now(),
      });
    const finish = async (id: string) =>
      waitFor(async () => {
        await h!.advance(SEC);
        await h!.settle();
        return (await h!.backfills.status(id)).completedAt !== null;
      });
    await waitFor(async () => {
      await h!.advance(SEC);
      await h!.settle();
      const runs = await h!.runs(DAILY);
      return runs.length === 2 && runs.every((r) => r.state === 'success' || r.state === 'failed');
    });
    gate.failing.clear();

    const missing = await h.backfills.create({ dagId: DAILY, from: '2026-03-01', to: '2026-03-04' });
    expect(missing.plan).toMatchObject({ create: 1, clear: 0, skip: 2 });
    await finish(missing.backfill.backfillId);
    expect(
      (await h.runs(DAILY)).map((r) => [r.intervalStart.toISOString().slice(0, 10), r.runType, r.state]),
    ).toEqual([
      ['2026-03-01', 'manual', 'success'],
      ['2026-03-02', 'manual', 'failed'],
      ['2026-03-03', 'backfill', 'success'],
    ]);

    const failed = await h.backfills.create({
      dagId: DAILY,
      from: '2026-03-01',
      to: '2026-03-04',
      reprocess: 'failed',
    });
    expect(failed.plan).toMatchObject({ create: 0, clear: 1, skip: 2 });
    await finish(failed.backfill.backfillId);
    const rerun = await store.getRun(runIdFor(DAILY, at('2026-03-02T00:00:00Z')));
    // Taken over by the backfill: its tasks saw runType 'backfill' and ran again (try 2).
    expect(rerun).toMatchObject({
      state: 'success',
      runType: 'backfill',
      backfillId: failed.backfill.backfillId,
    });
    expect(
      (await store.listTaskInstances(rerun!.runId)).map((t) => [t.taskId, t.state, t.tryNumber]),
    ).toEqual([
      ['first', 'success', 2],
      ['second', 'success', 1],
    ]);

    const before = gate.started.length;
    const all = await h.backfills.create({
      dagId: DAILY,
      from: '2026-03-01',
      to: '2026-03-04',
      reprocess: 'all',
    });
    expect(all.plan).toMatchObject({ create: 0, clear: 3, skip: 0 });
    await finish(all.backfill.backfillId);
    expect(
      gate.started
        .slice(before)
        .filter((s) => s.taskId === 'first')
        .map((s) => [s.runId, s.runType]),
    ).toEqual([
      ['daily_pair__20260301T0000Z', 'backfill'],
      ['daily_pair__20260302T0000Z', 'backfill'],
      ['daily_pair__20260303T0000Z', 'backfill'],
    ]);
    const status = await h.backfills.status(all.backfill.backfillId, { intervals: true });
    expect(status.intervals?.map((i) => [i.state, i.action, i.priorState, i.runState])).toEqual([
      ['started', 'clear', 'success', 'success'],
      ['started', 'clear', 'success', 'success'],
      ['started', 'clear', 'success', 'success'],
    ]);
  });

  it('waits for an interval whose run is in progress instead of making a second run', async () => {
    h = await openBackfillHarness({ start: '2026-03-20T12:00:00Z' });
    const { store, gate } = h;
    // No live schedule here; a paused DAG still runs its backfills (they are explicit requests).
    await pauseAll(h);
    const busy = runIdFor(DAILY, at('2026-03-02T00:00:00Z'));
    gate.holdWhen((runId, taskId, runType) => runId === busy && taskId === 'first' && runType === 'manual');
    await triggerRun(store, h.dags, {
      dagId: DAILY,
      intervalStart: at('2026-03-02T00:00:00Z'),
      now: h.clock.now(),
    });
    await h.tick();
    await h.settle();
    expect(gate.held).toEqual([`${busy}/first`]);

    const bf = await h.backfills.create({
      dagId: DAILY,
      from: '2026-03-01',
      to: '2026-03-04',
      reprocess: 'all',
    });
    expect(bf.plan).toMatchObject({ create: 2, wait: 1 });
    const id = bf.backfill.backfillId;
    await waitFor(async () => {
      await h!.advance(SEC);
      await h!.settle();
      const c = (await h!.backfills.status(id)).counts;
      return c.success === 2 ? c : undefined;
    });
    // Still one run for the busy interval, the manual one, untouched.
    expect(await h.backfills.status(id)).toMatchObject({
      counts: { pending: 1, success: 2 },
      completedAt: null,
    });
    expect(await store.getRun(busy)).toMatchObject({ runType: 'manual', state: 'running', backfillId: null });

    // Once it ends, the backfill takes it (mode all) and re-runs it.
    gate.release(busy, 'first');
    await waitFor(async () => {
      await h!.advance(SEC);
      await h!.settle();
      return (await h!.backfills.status(id)).completedAt !== null;
    });
    expect(await store.getRun(busy)).toMatchObject({ runType: 'backfill', state: 'success', backfillId: id });
    expect(
      gate.started.filter((s) => s.runId === busy && s.taskId === 'first').map((s) => s.runType),
    ).toEqual(['manual', 'backfill']);
  });

  it('cancel stops creating runs and lets the started ones finish', async () => {
    h = await openBackfillHarness({ start: '2026-03-20T12:00:00Z' });
    const { store, gate } = h;
    // No live schedule here; a paused DAG still runs its backfills (they are explicit requests).
    await pauseAll(h);
    gate.holdWhen(() => true);
    const bf = await h.backfills.create({
      dagId: DAILY,
      from: '2026-03-01',
      to: '2026-03-11',
      maxActiveRuns: 2,
    });
    const id = bf.backfill.backfillId;
    await h.tick();
    await h.settle();
    expect(gate.held).toHaveLength(2); // two runs, their first tasks (default pool)

    const cancelled = await h.backfills.cancel(id);
    expect(cancelled).toMatchObject({ state: 'cancelled', completedAt: null });
    expect(cancelled.counts).toMatchObject({ running: 2, cancelled: 8, pending: 0 });

    gate.releaseAll();
    await waitFor(async () => {
      await h!.advance(SEC);
      await h!.settle();
      return (await h!.backfills.status(id)).completedAt !== null;
    });
    const runs = await store.listRuns({ backfillId: id, limit: 100 });
    expect(runs.map((r) => r.state)).toEqual(['success', 'success']);
    const settled = await h.backfills.status(id);
    expect(settled).toMatchObject({ state: 'cancelled', runsPlanned: 2, runsDone: 2 });
    // A new backfill of the DAG may be created now.
    await h.backfills.create({ dagId: DAILY, from: '2026-03-05', to: '2026-03-06' });
  });
});
