/**
 * The metadata store contract, run on PGlite and on real Postgres (each test in its own directory/schema).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileDag } from '../../src/core/dag/compile-dag.ts';
import type { DagSpec } from '../../src/core/dag/dag-spec.ts';
import type { MetadataStore, NewRun } from '../../src/ports/metadata-store.ts';
import type { ObjectInfo } from '../../src/ports/object-store.ts';
import { BACKENDS, openTestStore, type TestStore } from './test-stores.ts';

const T0 = new Date('2026-01-01T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function spec(id = 'diamond'): DagSpec {
  const r = compileDag({
    id,
    file: `dags/${id}.ts`,
    definition: {
      schedule: '*/15 * * * *',
      startDate: '2026-01-01T00:00:00Z',
      tasks: {
        a: { job: 'noop' },
        b: { job: 'noop', upstream: ['a'], pool: 'warehouse' },
        c: { job: 'noop', upstream: ['a'] },
        d: { job: 'noop', upstream: ['b', 'c'] },
      },
    },
  });
  if (!r.ok) throw new Error('bad spec');
  return r.spec;
}

function newRun(s: DagSpec, start: Date, runType: NewRun['runType'] = 'scheduled'): NewRun {
  return {
    dagId: s.id,
    runType,
    intervalStart: start,
    intervalEnd: new Date(start.getTime() + 15 * 60_000),
    tasks: s.tasks.map((t) => ({ taskId: t.id, pool: t.pool, priority: t.order })),
  };
}

function object(name: string, minutes: number, generation = '1'): ObjectInfo {
  return { name, size: 10, generation, createdAt: at(minutes), updatedAt: at(minutes) };
}

async function runningRun(store: MetadataStore, s: DagSpec, start = T0) {
  const run = (await store.createRun(newRun(s, start), at(0)))!;
  await store.startQueuedRuns(s.id, 16, at(0));
  return run;
}

/** Schedule and queue one task, returning its new try number. */
async function queueTask(store: MetadataStore, runId: string, taskId: string, pool = 'default') {
  const ti = (await store.getTaskInstance(runId, taskId))!;
  const from = ti.state;
  await store.transitionTasks([{ runId, taskId, from, to: 'scheduled' }], at(1));
  const queued = await store.queueScheduled(pool, at(1));
  return queued.find((q) => q.taskId === taskId)!.tryNumber;
}

for (const backend of BACKENDS) {
  describe(`metadata store contract (${backend})`, () => {
    let t: TestStore;
    let store: MetadataStore;
    beforeEach(async () => {
      t = await openTestStore(backend);
      store = t.store;
      await store.ensurePools([
        { name: 'default', slots: 8 },
        { name: 'warehouse', slots: 1 },
      ]);
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('migrates once and keeps DAG flags across syncs', async () => {
      expect(await store.migrate()).toEqual([]);
      await store.syncDags([spec('one'), spec('two')]);
      expect(await store.setPaused('one', true)).toBe(true);
      expect(await store.setPaused('ghost', true)).toBe(false);
      await store.syncDags([spec('one')], { deactivateMissing: true });
      const dags = await store.listDags();
      expect(dags.map((d) => [d.dagId, d.paused, d.active])).toEqual([
        ['one', true, true],
        ['two', false, false],
      ]);
      expect((dags[0]!.spec as { tasks: unknown[] }).tasks).toHaveLength(4);
      expect(await store.advanceSchedule('one', null, at(15))).toBe(true);
      expect(await store.advanceSchedule('one', null, at(30))).toBe(false);
      expect(await store.advanceSchedule('one', at(15), at(30))).toBe(true);
      expect(await store.advanceSchedule('one', at(30), at(15))).toBe(false);
      expect((await store.getDag('one'))!.scheduledUntil).toEqual(at(30));
    });

    it('creates one run per (dag, interval start) with its task instances', async () => {
      const s = spec();
      await store.syncDags([s]);
      const run = await store.createRun(newRun(s, T0), at(0));
      expect(run).toMatchObject({ runId: 'diamond__20260101T1000Z', state: 'queued', runType: 'scheduled' });
      expect(await store.createRun(newRun(s, T0, 'manual'), at(1))).toBeUndefined();
      const tis = await store.listTaskInstances(run!.runId);
      expect(tis.map((ti) => [ti.taskId, ti.state, ti.pool, ti.tryNumber])).toEqual([
        ['a', 'none', 'default', 0],
        ['b', 'none', 'warehouse', 0],
        ['c', 'none', 'default', 0],
        ['d', 'none', 'default', 0],
      ]);
      expect((await store.listRuns({ dagId: 'diamond' })).map((r) => r.runId)).toEqual([run!.runId]);
    });

    it('admits queued runs up to maxActiveRuns, oldest first', async () => {
      const s = spec();
      for (const m of [30, 0, 15]) await store.createRun(newRun(s, at(m)), at(0));
      const started = await store.startQueuedRuns(s.id, 2, at(1));
      expect(started.map((r) => r.intervalStart)).toEqual([at(0), at(15)]);
      expect(await store.startQueuedRuns(s.id, 2, at(1))).toEqual([]);
      expect((await store.countActiveRuns()).get(s.id)).toBe(3);
      expect(await store.transitionRun(started[0]!.runId, ['running'], 'success', at(2))).toBe(true);
      expect(await store.transitionRun(started[0]!.runId, ['running'], 'failed', at(2))).toBe(false);
      expect((await store.startQueuedRuns(s.id, 2, at(3))).map((r) => r.intervalStart)).toEqual([at(30)]);
      const done = await store.getRun(started[0]!.runId);
      expect(done).toMatchObject({ state: 'success', endedAt: at(2) });
    });

    it('applies task transitions only from the expected state and try', async () => {
      const s = spec();
      const run = await runningRun(store, s);
      const applied = await store.transitionTasks(
        [
          { runId: run.runId, taskId: 'a', from: 'none', to: 'scheduled' },
          { runId: run.runId, taskId: 'b', from: 'scheduled', to: 'queued' },
          { runId: run.runId, taskId: 'c', from: 'none', to: 'skipped', tryNumber: 3 },
          { runId: run.runId, taskId: 'd', from: 'none', to: 'upstream_failed' },
        ],
        at(1),
      );
      expect(applied.map((c) => c.taskId)).toEqual(['a', 'd']);
      const tis = await store.listTaskInstances(run.runId);
      expect(tis.map((ti) => ti.state)).toEqual(['scheduled', 'none', 'none', 'upstream_failed']);
      expect(tis[3]!.endedAt).toEqual(at(1));
    });

    it('queues within pool slots, counting queued and running tries, and numbers the tries', async () => {
      const s = spec();
      const r1 = await runningRun(store, s, at(0));
      const r2 = await runningRun(store, s, at(15));
      await store.transitionTasks(
        [r1, r2].map((r) => ({ runId: r.runId, taskId: 'b', from: 'none', to: 'scheduled' })),
        at(1),
      );
      expect(await store.poolsWithScheduled()).toEqual(['warehouse']);
      const first = await store.queueScheduled('warehouse', at(2));
      expect(first.map((ti) => [ti.runId, ti.state, ti.tryNumber])).toEqual([[r1.runId, 'queued', 1]]);
      expect(await store.queueScheduled('warehouse', at(2))).toEqual([]);
      const started = await store.startTry({ runId: r1.runId, taskId: 'b', tryNumber: 1 }, 'w1', at(3));
      expect(started?.instance.state).toBe('running');
      expect(await store.queueScheduled('warehouse', at(3))).toEqual([]);
      expect((await store.listPools()).find((p) => p.name === 'warehouse')).toMatchObject({
        slots: 1,
        occupied: 1,
      });
      await store.finishTry(
        { runId: r1.runId, taskId: 'b', tryNumber: 1 },
        { state: 'success', result: { ok: 1 }, countsAsFailure: false },
        at(4),
      );
      const next = await store.queueScheduled('warehouse', at(5));
      expect(next.map((ti) => ti.runId)).toEqual([r2.runId]);
      expect(await store.queueScheduled('unknown_pool', at(5))).toEqual([]);
    });

    it('fences tries: only the queued try starts, only the running try finishes', async () => {
      const s = spec();
      const run = await runningRun(store, s);
      const key = { runId: run.runId, taskId: 'a', tryNumber: await queueTask(store, run.runId, 'a') };
      expect(key.tryNumber).toBe(1);
      expect(await store.startTry({ ...key, tryNumber: 2 }, 'w1', at(2))).toBeUndefined();
      const started = await store.startTry(key, 'w1', at(2));
      expect(started?.run).toMatchObject({ runId: run.runId, intervalStart: T0, runType: 'scheduled' });
      expect(started?.instance).toMatchObject({ state: 'running', workerId: 'w1', firstStartedAt: at(2) });
      expect(await store.startTry(key, 'w2', at(2))).toBeUndefined();

      // A zombie sweep retries it; the old try can no longer write its outcome.
      expect(
        await store.finishTry(
          key,
          {
            state: 'up_for_retry',
            error: { code: 'E_ZOMBIE', message: 'worker w1 lost', stack: null },
            nextAttemptAt: at(3),
            countsAsFailure: true,
          },
          at(2.5),
        ),
      ).toBe(true);
      expect(await store.finishTry(key, { state: 'success', result: 1, countsAsFailure: false }, at(4))).toBe(
        false,
      );
      await store.transitionTasks(
        [{ runId: run.runId, taskId: 'a', from: 'up_for_retry', to: 'scheduled' }],
        at(3),
      );
      const [requeued] = await store.queueScheduled('default', at(3));
      expect(requeued).toMatchObject({ tryNumber: 2, failures: 1 });
      const key2 = { ...key, tryNumber: 2 };
      await store.startTry(key2, 'w2', at(3));
      expect(
        await store.finishTry(
          key2,
          { state: 'success', result: { rows: 3 }, countsAsFailure: false },
          at(3.5),
        ),
      ).toBe(true);
      const ti = (await store.getTaskInstance(run.runId, 'a'))!;
      expect(ti).toMatchObject({
        state: 'success',
        tryNumber: 2,
        result: { rows: 3 },
        firstStartedAt: at(2),
      });
      const tries = await store.listTries(run.runId, 'a');
      expect(
        tries.map((x) => [x.tryNumber, x.state, x.workerId, x.durationMs, x.error?.code ?? null]),
      ).toEqual([
        [1, 'up_for_retry', 'w1', 30_000, 'E_ZOMBIE'],
        [2, 'success', 'w2', 30_000, null],
      ]);
      expect(tries[1]!.result).toEqual({ rows: 3 });
      // The next task's try sees the results of the tasks before it.
      const cTry = await queueTask(store, run.runId, 'c');
      const startedC = await store.startTry({ runId: run.runId, taskId: 'c', tryNumber: cTry }, 'w2', at(4));
      expect(startedC?.results).toEqual({ a: { rows: 3 } });
      const loaded = await store.loadRun(run.runId);
      expect(loaded?.run).toMatchObject({ runId: run.runId, state: 'running' });
      expect(loaded?.tasks.map((x) => [x.taskId, x.state, x.tryNumber, x.pool])).toEqual([
        ['a', 'success', 2, 'default'],
        ['b', 'none', 0, 'warehouse'],
        ['c', 'running', 1, 'default'],
        ['d', 'none', 0, 'default'],
      ]);
      expect(await store.loadRun('nope__20260101T0000Z')).toBeUndefined();
    });

    it('keeps log lines per try', async () => {
      const s = spec();
      const run = await runningRun(store, s);
      await store.appendLogs({ runId: run.runId, taskId: 'a', tryNumber: 1 }, [
        { at: at(1), level: 'info', message: 'first try', fields: { n: 1 } },
      ]);
      await store.appendLogs({ runId: run.runId, taskId: 'a', tryNumber: 2 }, [
        { at: at(2), level: 'warn', message: 'second try' },
        { at: at(2), level: 'error', message: 'boom' },
      ]);
      expect((await store.readLogs(run.runId, 'a', 1)).map((l) => [l.message, l.fields])).toEqual([
        ['first try', { n: 1 }],
      ]);
      // Without a try number: the latest recorded try (none recorded in task_tries here -> empty).
      expect(await store.readLogs(run.runId, 'a')).toEqual([]);
      const tryNumber = await queueTask(store, run.runId, 'a');
      await store.startTry({ runId: run.runId, taskId: 'a', tryNumber }, 'w', at(3));
      await store.appendLogs({ runId: run.runId, taskId: 'a', tryNumber }, [
        { at: at(3), level: 'info', message: 'latest' },
      ]);
      // The latest recorded try is try 1, which holds both lines written for it.
      expect(tryNumber).toBe(1);
      expect((await store.readLogs(run.runId, 'a')).map((l) => l.message)).toEqual(['first try', 'latest']);
    });

    it('clears finished tasks so they run again with higher try numbers', async () => {
      const s = spec();
      const run = await runningRun(store, s);
      const n = await queueTask(store, run.runId, 'a');
      await store.startTry({ runId: run.runId, taskId: 'a', tryNumber: n }, 'w', at(2));
      await store.finishTry(
        { runId: run.runId, taskId: 'a', tryNumber: n },
        { state: 'failed', error: { code: null, message: 'x', stack: null }, countsAsFailure: true },
        at(3),
      );
      await store.transitionTasks(
        ['b', 'c', 'd'].map((taskId) => ({ runId: run.runId, taskId, from: 'none', to: 'upstream_failed' })),
        at(3),
      );
      await store.transitionRun(run.runId, ['running'], 'failed', at(3));
      expect((await store.clearTasks(run.runId, {}, at(4))).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await store.getRun(run.runId)).toMatchObject({ state: 'queued', endedAt: null });
      const a = (await store.getTaskInstance(run.runId, 'a'))!;
      expect(a).toMatchObject({ state: 'none', failures: 0, tryNumber: 1 });
      await store.startQueuedRuns(s.id, 1, at(5));
      expect(await queueTask(store, run.runId, 'a')).toBe(2);
    });

    it('lists running tries with their worker heartbeat', async () => {
      const s = spec();
      const run = await runningRun(store, s);
      await store.registerWorker(
        { workerId: 'w1', kind: 'local', hostname: 'h', pid: 42, startedAt: at(0) },
        at(0),
      );
      const n = await queueTask(store, run.runId, 'a');
      await store.startTry({ runId: run.runId, taskId: 'a', tryNumber: n }, 'w1', at(1));
      await store.heartbeat('w1', at(2));
      const running = await store.listRunningTries();
      expect(running).toHaveLength(1);
      expect(running[0]!.worker).toMatchObject({
        workerId: 'w1',
        pid: 42,
        lastHeartbeatAt: at(2),
        stoppedAt: null,
      });
      await store.stopWorker('w1', at(3));
      expect((await store.listWorkers())[0]!.stoppedAt).toEqual(at(3));
      expect(await store.findTaskInstances({ states: ['running'] })).toHaveLength(1);
      expect(await store.findTaskInstances({ states: ['queued'], queuedBefore: at(10) })).toEqual([]);
    });

    it('ensures pools without overwriting unless asked', async () => {
      expect(
        await store.ensurePools([
          { name: 'default', slots: 3 },
          { name: 'extra', slots: 2 },
        ]),
      ).toEqual(['extra']);
      expect((await store.listPools()).map((p) => [p.name, p.slots])).toEqual([
        ['default', 8],
        ['extra', 2],
        ['warehouse', 1],
      ]);
      await store.ensurePools([{ name: 'default', slots: 3 }], { overwrite: true });
      expect((await store.listPools()).find((p) => p.name === 'default')!.slots).toBe(3);
    });

    describe('file ledger', () => {
      it('records objects once, ignores others once, and lists them in landing order', async () => {
        const l = store.ledger;
        const first = await l.record('orders', [
          object('landing/orders/b.jsonl', 2),
          object('landing/orders/a.jsonl', 1),
        ]);
        expect(first.map((e) => [e.object, e.state])).toEqual([
          ['landing/orders/a.jsonl', 'landed'],
          ['landing/orders/b.jsonl', 'landed'],
        ]);
        expect(await l.record('orders', [object('landing/orders/a.jsonl', 1)])).toEqual([]);
        // New content under the same name is a new entry.
        expect(await l.record('orders', [object('landing/orders/a.jsonl', 5, '2')])).toHaveLength(1);
        expect(await l.ignore('orders', [object('landing/orders/x.txt', 1)], 'wrong extension')).toHaveLength(
          1,
        );
        expect(await l.ignore('orders', [object('landing/orders/x.txt', 1)], 'wrong extension')).toEqual([]);
        expect((await l.list({ state: 'ignored' }))[0]).toMatchObject({
          reason: 'wrong extension',
          size: 10,
        });
        expect(await l.list({ entity: 'orders', state: 'landed' })).toHaveLength(3);
      });

      it('claims idempotently, takes over entries of failed runs, and tracks counts and archive', async () => {
        const l = store.ledger;
        const s = spec('orders_dag');
        const r1 = await runningRun(store, s, at(0));
        await l.record('orders', [object('o/1.jsonl', 1), object('o/2.jsonl', 2), object('o/3.jsonl', 20)]);
        const claimed = await l.claim('orders', r1.runId, r1.runId, { landedBefore: at(15) });
        expect(claimed.map((e) => [e.object, e.state, e.batchId])).toEqual([
          ['o/1.jsonl', 'claimed', r1.runId],
          ['o/2.jsonl', 'claimed', r1.runId],
        ]);
        expect(
          (await l.claim('orders', r1.runId, r1.runId, { landedBefore: at(15) })).map((e) => e.object),
        ).toEqual(['o/1.jsonl', 'o/2.jsonl']);
        await l.markLoaded(
          r1.runId,
          new Map([['o/1.jsonl', { linesRead: 10, linesKept: 8, linesQuarantined: 1, linesDuplicate: 1 }]]),
        );
        // A second batch while r1 is still running gets only what r1 does not hold.
        const r2 = await runningRun(store, s, at(15));
        expect((await l.claim('orders', r2.runId, r2.runId)).map((e) => e.object)).toEqual(['o/3.jsonl']);
        // r1 fails (blocked by a quality gate): the next batch takes its files over.
        await store.transitionRun(r1.runId, ['running'], 'failed', at(16));
        const r3 = await runningRun(store, s, at(30));
        const takeover = await l.claim('orders', r3.runId, r3.runId);
        expect(takeover.map((e) => [e.object, e.state, e.linesRead])).toEqual([
          ['o/1.jsonl', 'claimed', null],
          ['o/2.jsonl', 'claimed', null],
        ]);
        expect(await l.claimed(r1.runId)).toEqual([]);
        await l.markArchived('o/1.jsonl', '1', 'archive/orders/dt=2026-01-01/x/1.jsonl');
        expect((await l.claimed(r3.runId)).map((e) => [e.object, e.state])).toEqual([
          ['o/1.jsonl', 'archived'],
          ['o/2.jsonl', 'claimed'],
        ]);
        expect((await l.landedIn('orders', at(0), at(15))).map((e) => e.movedTo)).toEqual([
          'archive/orders/dt=2026-01-01/x/1.jsonl',
        ]);
        const rejected = await l.reject('o/2.jsonl', 'poisoned', 'rejected/orders/2.jsonl');
        expect(rejected).toMatchObject({ state: 'rejected', reason: 'poisoned', batchId: r3.runId });
        await expect(l.reject('o/2.jsonl', 'again', 'x')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      });
    });

    if (backend === 'postgres') {
      it('lets two stores (two processes) race without duplicates or overbooking', async () => {
        const other = await t.another();
        const s = spec();
        await store.syncDags([s]);
        const created = await Promise.all(
          [store, other, store, other].map((st) => st.createRun(newRun(s, T0), at(0))),
        );
        expect(created.filter(Boolean)).toHaveLength(1);
        const admitted = await Promise.all([store, other].map((st) => st.startQueuedRuns(s.id, 1, at(0))));
        expect(admitted.flat()).toHaveLength(1);
        const run = admitted.flat()[0]!;
        await store.transitionTasks(
          ['a', 'c'].map((taskId) => ({ runId: run.runId, taskId, from: 'none', to: 'scheduled' })),
          at(1),
        );
        await store.ensurePools([{ name: 'default', slots: 1 }], { overwrite: true });
        const queued = await Promise.all(
          [store, other, store].map((st) => st.queueScheduled('default', at(1))),
        );
        expect(queued.flat()).toHaveLength(1);
      });
    }
  });
}
