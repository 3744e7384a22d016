/**
 * The scheduler: turns schedules into runs, resolves dependencies with trigger rules, and hands ready tries
 * to the executor within pool slots counted in the metadata DB. It works only from validated DAG specs (it
 * never imports jobs/ or the task runner) and only through the metadata store and the Executor port, so it
 * runs the same beside a local executor or in front of BullMQ workers on other machines.
 *
 * It is event-driven: an executor `onSettled` event (or `notify()`) wakes it at once and it re-evaluates just
 * the runs that changed, reading only around the settled tries, and writes its decisions and the queueing in
 * one call: the hop from an upstream's success to its downstream's start is two round trips to the metadata
 * DB and one commit (docs/adr/0019-scheduler-step-in-one-statement.md).
 * Otherwise it sleeps on the injected clock until the next schedule boundary, retry or poke, or the poll
 * interval (which catches changes made by other processes).
 */

import { hostname } from 'node:os';
import type { DagSpec, TaskSpec } from '../core/dag/dag-spec.ts';
import { dueIntervals, nextDueAt } from '../core/data-interval.ts';
import { dispatchIdFor } from '../core/ids.ts';
import { evaluateRunState } from '../core/run-state.ts';
import { isFinished, type TaskState } from '../core/task-state.ts';
import { evaluateTriggerRule } from '../core/trigger-rule.ts';
import type { Clock } from '../ports/clock.ts';
import type { Executor } from '../ports/executor.ts';
import type { Logger } from '../ports/logger.ts';
import type {
  DagRun,
  MetadataStore,
  TaskInstance,
  TaskStateRow,
  TaskTransition,
} from '../ports/metadata-store.ts';
import { type BackfillDriver, backfillDriverFor } from './backfill-executor.ts';
import type { DagSource } from './dag-loader.ts';
import { sweepZombies } from './zombie-sweep.ts';

export interface SchedulerOptions {
  readonly store: MetadataStore;
  readonly executor: Executor;
  readonly dags: DagSource;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Create runs for due schedule intervals (false for `sluice run`, which drives only its own run). */
  readonly createScheduledRuns?: boolean;
  /** Move queued runs to running within `maxActiveRuns` (false for `sluice run`). */
  readonly admitQueuedRuns?: boolean;
  /** Only evaluate these runs (inline `sluice run`). */
  readonly runFilter?: (runId: string) => boolean;
  /** Full sweep period: picks up triggers, pauses and finished tries from other processes (default 1 s). */
  readonly pollIntervalMs?: number;
  /** How often running tries are checked for dead workers (default 5 s). */
  readonly zombieSweepIntervalMs?: number;
  /** Worker silence after which its tries are zombies (default 60 s). */
  readonly zombieThresholdMs?: number;
  /** A try queued this long is dispatched again (default 60 s; dispatch is idempotent). */
  readonly requeueAfterMs?: number;
  /** Slots of a pool that a DAG names but nobody created (default 16). */
  readonly defaultPoolSlots?: number;
  /** At most this many runs are created per DAG per pass (catchup over a long gap; default 64). */
  readonly maxRunsPerPass?: number;
  readonly isLocalProcessAlive?: (pid: number) => boolean;
  /**
   * Executes backfill records each pass, after the live runs (default: the store's backfills when this
   * scheduler creates scheduled runs; false: none).
   */
  readonly backfills?: BackfillDriver | false;
  /**
   * Record this scheduler in the metadata DB (a worker record of kind `scheduler`) and heartbeat from its
   * loop, so a loop that hangs stops heartbeating (`sluice scheduler --health`).
   */
  readonly heartbeat?: { readonly schedulerId: string; readonly intervalMs: number };
}

export interface SchedulerEvents {
  /** A run reached success or failed. */
  runFinished?: (run: DagRun) => void;
  /** A pass failed (the loop keeps going). */
  error?: (error: unknown) => void;
}

/** Scheduler loop. `start()` runs it in the background; `tick()` runs one pass (tests). */
export class Scheduler {
  readonly #o: Required<
    Omit<SchedulerOptions, 'runFilter' | 'isLocalProcessAlive' | 'backfills' | 'heartbeat'>
  > &
    Pick<SchedulerOptions, 'runFilter' | 'isLocalProcessAlive' | 'heartbeat'>;
  readonly #backfills: BackfillDriver | undefined;
  readonly #events: SchedulerEvents;
  /**
   * Runs to evaluate on the next pass: with the tasks whose tries settled (only their neighbourhood is read),
   * or null for the whole run.
   */
  readonly #dirtyRuns = new Map<string, Set<string> | null>();
  readonly #dirtyPools = new Set<string>();
  /** Earliest `next_attempt_at` seen per run (retry delays, sensor pokes). */
  readonly #dueAt = new Map<string, number>();
  /** Dispatches handed to the executor and not yet acknowledged (awaited by `stop()`). */
  readonly #dispatching = new Set<Promise<void>>();
  #wakeController = new AbortController();
  #wakeRequested = false;
  #stopped = true;
  #loop: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  #nextFullPassAt = 0;
  #nextZombieSweepAt = 0;
  #nextScheduleAt = 0;
  #requeueAll = true;
  #passes = 0;
  #nextHeartbeatAt = 0;

  constructor(options: SchedulerOptions, events: SchedulerEvents = {}) {
    this.#o = {
      createScheduledRuns: true,
      admitQueuedRuns: true,
      pollIntervalMs: 1_000,
      zombieSweepIntervalMs: 5_000,
      zombieThresholdMs: 60_000,
      requeueAfterMs: 60_000,
      defaultPoolSlots: 16,
      maxRunsPerPass: 64,
      ...options,
    };
    this.#backfills =
      options.backfills === false
        ? undefined
        : (options.backfills ??
          (this.#o.createScheduledRuns
            ? backfillDriverFor({ store: options.store, dags: options.dags, logger: options.logger })
            : undefined));
    this.#events = events;
  }

  /** Passes run so far (tests wait on it). */
  get passes(): number {
    return this.#passes;
  }

  /** Sync DAGs and pools, then run the loop in the background until `stop()`. */
  async start(): Promise<void> {
    if (!this.#stopped) return;
    await this.prepare();
    const hb = this.#o.heartbeat;
    if (hb) {
      const now = this.#o.clock.now();
      await this.#o.store.registerWorker(
        {
          workerId: hb.schedulerId,
          kind: 'scheduler',
          hostname: hostname(),
          pid: process.pid,
          startedAt: now,
        },
        now,
      );
      this.#nextHeartbeatAt = now.getTime() + hb.intervalMs;
    }
    this.#stopped = false;
    this.#unsubscribe = this.#o.executor.onSettled((event) => {
      this.#markDirty(event.runId, event.taskId);
      const spec = this.#o.dags.get(dagIdOf(event.runId));
      const pool = spec ? specIndex(spec).get(event.taskId)?.pool : undefined;
      if (pool) this.#dirtyPools.add(pool);
      this.#wake();
    });
    this.#loop = this.#run();
  }

  /** Record the loaded DAGs and create the pools they name (once, before the first pass). */
  async prepare(): Promise<void> {
    const specs = this.#o.dags.list();
    if (this.#o.createScheduledRuns) await this.#o.store.syncDags(specs);
    const pools = new Set(specs.flatMap((s) => s.tasks.map((t) => t.pool)));
    const created = await this.#o.store.ensurePools(
      [...pools].map((name) => ({ name, slots: this.#o.defaultPoolSlots, description: 'created for a DAG' })),
    );
    for (const name of created)
      this.#o.logger.warn(`pool "${name}" did not exist; created with ${this.#o.defaultPoolSlots} slots`);
  }

  /** Wake the loop now for a full pass (after a trigger, a pause, a clear made through this process). */
  notify(): void {
    this.#nextFullPassAt = 0;
    this.#wake();
  }

  #markDirty(runId: string, settledTaskId?: string): void {
    const current = this.#dirtyRuns.get(runId);
    if (settledTaskId === undefined || current === null) this.#dirtyRuns.set(runId, null);
    else if (current) current.add(settledTaskId);
    else this.#dirtyRuns.set(runId, new Set([settledTaskId]));
  }

  #wake(): void {
    this.#wakeRequested = true;
    this.#wakeController.abort();
  }

  /** Stop after the current pass. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#wake();
    await this.#loop;
    await Promise.allSettled([...this.#dispatching]);
    const hb = this.#o.heartbeat;
    if (hb)
      await this.#o.store.stopWorker(hb.schedulerId, this.#o.clock.now()).catch((error: unknown) => {
        this.#o.logger.warn('cannot record the scheduler as stopped', { error: (error as Error).message });
      });
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let wakeAt: number;
      try {
        wakeAt = await this.tick();
      } catch (error) {
        this.#o.logger.error('scheduler pass failed', { error: (error as Error).message });
        this.#events.error?.(error);
        wakeAt = this.#o.clock.now().getTime() + this.#o.pollIntervalMs;
      }
      if (this.#stopped) break;
      if (this.#wakeRequested) {
        this.#wakeRequested = false;
        this.#wakeController = new AbortController();
        // Embedded stores may answer in microtasks only: yield to I/O (the web API) between passes.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const wait = wakeAt - this.#o.clock.now().getTime();
      if (wait > 0) await this.#o.clock.sleep(wait, this.#wakeController.signal);
      if (this.#wakeController.signal.aborted) this.#wakeController = new AbortController();
      this.#wakeRequested = false;
    }
  }

  /** One pass; returns when (clock ms) the next pass is needed at the latest. */
  async tick(): Promise<number> {
    const { store, clock } = this.#o;
    this.#passes++;
    const now = clock.now();
    const nowMs = now.getTime();
    const full = nowMs >= this.#nextFullPassAt;
    if (full) this.#nextFullPassAt = nowMs + this.#o.pollIntervalMs;

    const hb = this.#o.heartbeat;
    if (hb && !this.#stopped && nowMs >= this.#nextHeartbeatAt) {
      this.#nextHeartbeatAt = nowMs + hb.intervalMs;
      // A failed heartbeat must not stop scheduling; if the database is gone, the rest of the pass fails too.
      await store.heartbeat(hb.schedulerId, now).catch((error: unknown) => {
        this.#o.logger.warn('scheduler heartbeat failed', { error: (error as Error).message });
      });
    }

    if (nowMs >= this.#nextZombieSweepAt) {
      this.#nextZombieSweepAt = nowMs + this.#o.zombieSweepIntervalMs;
      const touched = await sweepZombies(
        {
          store,
          dags: this.#o.dags,
          logger: this.#o.logger,
          thresholdMs: this.#o.zombieThresholdMs,
          ...(this.#o.runFilter ? { runFilter: this.#o.runFilter } : {}),
          ...(this.#o.isLocalProcessAlive ? { isLocalProcessAlive: this.#o.isLocalProcessAlive } : {}),
        },
        now,
      );
      for (const runId of touched) this.#markDirty(runId);
      await this.#redispatchLost(now);
    }

    let runsChanged = false;
    if (this.#o.createScheduledRuns && (full || nowMs >= this.#nextScheduleAt)) {
      runsChanged = await this.#createDueRuns(now);
    }
    if (this.#o.admitQueuedRuns && (full || runsChanged))
      for (const r of await this.#admitRuns(now)) this.#markDirty(r.runId);
    // Backfills after the live runs of this pass, so they never take a slot a live run needs.
    if (this.#backfills && full) for (const r of await this.#backfills.tick(now)) this.#markDirty(r.runId);

    // Runs to evaluate: all running ones on a full pass, else those an event or a due time touched.
    let loaded: LoadedRun[];
    // Pools whose slots freed with the tries being evaluated: taken together with the runs, so a slot a
    // try freed during this pass is queued into only once its own run was evaluated (its next task then
    // competes for the slot, and an earlier interval keeps it).
    const pools = new Set(this.#dirtyPools);
    this.#dirtyPools.clear();
    if (full) {
      // One round trip for every running run and its task states. Cleared first: a try that settles while
      // the read is under way stays dirty for the next pass.
      this.#dirtyRuns.clear();
      loaded = await store.loadRunningRuns(10_000);
      if (this.#o.runFilter) loaded = loaded.filter((l) => this.#o.runFilter!(l.run.runId));
    } else {
      for (const [runId, at] of this.#dueAt) if (at <= nowMs) this.#markDirty(runId);
      const dirty = [...this.#dirtyRuns];
      this.#dirtyRuns.clear();
      loaded = [];
      for (const [id, settled] of dirty) {
        if (this.#o.runFilter && !this.#o.runFilter(id)) continue;
        // One round trip for the run and its task states (only around the settled tries when that is
        // less): the hot path after a try settles.
        const l = settled ? await this.#loadAround(id, settled) : await store.loadRun(id);
        if (l?.run.state === 'running') loaded.push(l);
      }
    }
    // On a full pass, also the pools whose scheduled tasks wait for a slot freed elsewhere.
    if (full) for (const pool of await store.poolsWithScheduled()) pools.add(pool);
    let finishedAny = await this.#evaluate(loaded, pools, now);
    if (finishedAny) {
      // A finished run frees a maxActiveRuns slot: create, admit and evaluate the next ones right away.
      if (this.#o.createScheduledRuns) await this.#createDueRuns(now);
      const started: DagRun[] = [];
      if (this.#o.admitQueuedRuns) started.push(...(await this.#admitRuns(now)));
      if (this.#backfills) started.push(...(await this.#backfills.tick(now)));
      const more: LoadedRun[] = [];
      for (const run of started) {
        const l = await store.loadRun(run.runId);
        if (l?.run.state === 'running') more.push(l);
      }
      finishedAny = await this.#evaluate(more, new Set(), now);
      if (finishedAny) this.#nextFullPassAt = 0;
    }

    let next = this.#nextFullPassAt;
    if (this.#o.createScheduledRuns) next = Math.min(next, this.#nextScheduleAt);
    for (const at of this.#dueAt.values()) next = Math.min(next, at);
    next = Math.min(next, this.#nextZombieSweepAt);
    if (hb) next = Math.min(next, this.#nextHeartbeatAt);
    return Math.max(next, nowMs);
  }

  async #createDueRuns(now: Date): Promise<boolean> {
    const { store } = this.#o;
    const records = new Map((await store.listDags()).map((d) => [d.dagId, d]));
    // Backfill runs have their own limit (their backfill's max-active-runs): only live runs count here.
    const active = new Map<string, number>();
    for (const r of await store.listRuns({
      states: ['queued', 'running'],
      runTypes: ['scheduled', 'manual'],
      limit: 100_000,
    }))
      active.set(r.dagId, (active.get(r.dagId) ?? 0) + 1);
    let nextAt = Number.POSITIVE_INFINITY;
    let created = false;
    for (const spec of this.#o.dags.list()) {
      const record = records.get(spec.id);
      if (!spec.schedule || !record || record.paused) continue;
      let cursor = record.scheduledUntil;
      const room = Math.min(spec.maxActiveRuns - (active.get(spec.id) ?? 0), this.#o.maxRunsPerPass);
      // No room under maxActiveRuns: looked at again when one of its runs finishes (or on the next full pass).
      if (room <= 0) continue;
      const due = dueIntervals({
        schedule: spec.schedule,
        startDate: spec.startDate,
        endDate: spec.endDate,
        catchup: spec.catchup,
        lastIntervalEnd: cursor,
        now,
        limit: room,
      });
      for (const interval of due) {
        const run = await store.createRun(
          {
            dagId: spec.id,
            runType: 'scheduled',
            intervalStart: interval.start,
            intervalEnd: interval.end,
            tasks: spec.tasks.map((t) => ({ taskId: t.id, pool: t.pool, priority: t.order })),
          },
          now,
        );
        if (run) {
          created = true;
          this.#o.logger.info('run created', { runId: run.runId, interval: interval.start.toISOString() });
        }
        // Another scheduler may have moved the cursor; a failed compare-and-set just means "re-read".
        if (!(await store.advanceSchedule(spec.id, cursor, interval.end))) break;
        cursor = interval.end;
      }
      const at = nextDueAt({
        schedule: spec.schedule,
        startDate: spec.startDate,
        endDate: spec.endDate,
        lastIntervalEnd: cursor,
        now,
      });
      // A boundary already passed means intervals still wait for room: the full pass retries those.
      if (at && at.getTime() > now.getTime()) nextAt = Math.min(nextAt, at.getTime());
    }
    this.#nextScheduleAt = nextAt;
    return created;
  }

  async #admitRuns(now: Date): Promise<DagRun[]> {
    const { store } = this.#o;
    const queued = await store.listRuns({ states: ['queued'], order: 'asc', limit: 10_000 });
    const started: DagRun[] = [];
    for (const dagId of new Set(queued.map((r) => r.dagId))) {
      const spec = this.#o.dags.get(dagId);
      if (!spec) continue;
      started.push(...(await store.startQueuedRuns(dagId, spec.maxActiveRuns, now)));
    }
    for (const run of started) this.#o.logger.info('run started', { runId: run.runId });
    return started;
  }

  /**
   * Read a run around the tasks whose tries settled: them, their downstream tasks and those tasks' other
   * upstream tasks. The whole run when that is most of it, or when nothing else in it is unfinished (its
   * outcome is decided over every task).
   */
  async #loadAround(runId: string, settled: ReadonlySet<string>): Promise<LoadedRun | undefined> {
    const { store } = this.#o;
    const spec = this.#o.dags.get(dagIdOf(runId));
    if (!spec) return store.loadRun(runId);
    const index = specIndex(spec);
    const evaluate = new Set<string>();
    const read = new Set<string>(settled);
    for (const id of settled)
      for (const down of index.get(id)?.downstream ?? []) {
        evaluate.add(down);
        read.add(down);
        for (const up of index.get(down)?.upstream ?? []) read.add(up);
      }
    if (read.size * 2 >= spec.tasks.length) return store.loadRun(runId);
    const l = await store.loadRunTasks(runId, [...read]);
    if (l?.run.state !== 'running') return undefined;
    if (l.unfinishedOthers === 0) return store.loadRun(runId);
    return { run: l.run, tasks: l.tasks, partial: { evaluate } };
  }

  /**
   * Evaluate runs, then write every decision and queue into free slots (of the `freed` pools and of the
   * pools of newly scheduled tasks) in one store call (one commit), dispatch what was queued, and finish the
   * runs that are done. Returns true when a run finished.
   */
  async #evaluate(runs: readonly LoadedRun[], freed: ReadonlySet<string>, now: Date): Promise<boolean> {
    const { store, clock } = this.#o;
    const plans: RunPlan[] = [];
    for (const l of runs) {
      const plan = this.#plan(l, now);
      if (plan) plans.push(plan);
    }
    const changes = plans.flatMap((p) => p.changes);
    const pools = new Set(freed);
    for (const plan of plans) for (const pool of plan.pools) pools.add(pool);
    let applied: TaskTransition[] = [];
    if (changes.length > 0 || pools.size > 0) {
      // The time of queueing, not of the pass start: queued_at tells the lost-dispatch sweep how long it waited.
      const result = await store.transitionAndQueue(changes, [...pools], clock.now());
      applied = result.applied;
      // Hand over first (the hop from an upstream's end to its downstream's start is the latency that
      // counts), without waiting for the executor's acknowledgements: the next pass overlaps with them.
      for (const ti of result.queued) {
        const pending = this.#dispatch(ti).finally(() => this.#dispatching.delete(pending));
        this.#dispatching.add(pending);
      }
    }
    const took = new Set(applied.map((c) => `${c.runId}\u0000${c.taskId}`));
    // A partial read evaluated the settled tasks' direct downstream only: those it finished without a try
    // (skipped, upstream_failed) settle nothing, so their own downstream is looked at on the next pass.
    for (const plan of plans)
      if (plan.partial)
        for (const c of plan.changes)
          if (isFinished(c.to) && took.has(`${c.runId}\u0000${c.taskId}`)) {
            this.#markDirty(c.runId, c.taskId);
            this.#wake();
          }
    let finishedAny = false;
    for (const plan of plans) {
      if (!plan.changes.every((c) => took.has(`${c.runId}\u0000${c.taskId}`))) {
        // Someone else (another scheduler) moved some of them: look again on the next pass.
        this.#markDirty(plan.run.runId);
        continue;
      }
      if (plan.outcome === 'running') continue;
      const endedAt = clock.now();
      if (await store.transitionRun(plan.run.runId, ['running'], plan.outcome, endedAt)) {
        this.#dueAt.delete(plan.run.runId);
        this.#o.logger.info(`run ${plan.outcome}`, { runId: plan.run.runId });
        this.#events.runFinished?.({ ...plan.run, state: plan.outcome, endedAt });
        finishedAny = true;
      }
    }
    return finishedAny;
  }

  /** Decide a running run's task transitions (trigger rules, due retries and pokes) and its outcome. */
  #plan({ run, tasks: instances, partial }: LoadedRun, now: Date): RunPlan | undefined {
    const spec = this.#o.dags.get(run.dagId);
    if (!spec) return undefined;
    const index = specIndex(spec);
    const byTask = new Map(instances.map((ti) => [ti.taskId, ti]));
    const states = new Map<string, TaskState>(instances.map((ti) => [ti.taskId, ti.state]));
    const changes: TaskTransition[] = [];
    const pools = new Set<string>();
    let due = Number.POSITIVE_INFINITY;
    const nowMs = now.getTime();

    for (const task of spec.tasks) {
      const ti = byTask.get(task.id);
      if (!ti) continue;
      const state = states.get(task.id)!;
      if (state === 'none') {
        // A partial read holds every upstream state only of the tasks it was made for.
        if (partial && !partial.evaluate.has(task.id)) continue;
        const upstream = task.upstream.filter((u) => byTask.has(u)).map((u) => states.get(u)!);
        const decision = evaluateTriggerRule(task.triggerRule, upstream);
        if (decision === 'wait') continue;
        const to: TaskState = decision === 'run' ? 'scheduled' : decision;
        changes.push({ runId: run.runId, taskId: task.id, from: 'none', to });
        states.set(task.id, to);
        if (to === 'scheduled') pools.add(task.pool);
      } else if (state === 'up_for_retry' || state === 'up_for_reschedule') {
        const at = ti.nextAttemptAt?.getTime() ?? 0;
        if (at <= nowMs) {
          changes.push({
            runId: run.runId,
            taskId: task.id,
            from: state,
            to: 'scheduled',
            tryNumber: ti.tryNumber,
          });
          states.set(task.id, 'scheduled');
          pools.add(task.pool);
        } else due = Math.min(due, at);
      }
    }
    // Task instances of tasks removed from the DAG since the run was created must not hold it open.
    for (const ti of instances) {
      if (!index.has(ti.taskId) && (ti.state === 'none' || ti.state === 'scheduled')) {
        changes.push({ runId: run.runId, taskId: ti.taskId, from: ti.state, to: 'skipped' });
        states.set(ti.taskId, 'skipped');
      }
    }

    // A partial read knows only some tasks' due times: it may bring the run's due time forward, not drop it.
    if (partial) {
      if (due < (this.#dueAt.get(run.runId) ?? Number.POSITIVE_INFINITY)) this.#dueAt.set(run.runId, due);
    } else if (due === Number.POSITIVE_INFINITY) this.#dueAt.delete(run.runId);
    else this.#dueAt.set(run.runId, due);

    // A partial read is only made while other tasks are unfinished: the run goes on.
    let outcome: RunPlan['outcome'] = 'running';
    if (!partial && [...states.values()].every(isFinished))
      outcome = evaluateRunState({ tasks: spec.tasks.filter((t) => byTask.has(t.id)) }, states);
    return { run, changes, pools, outcome, partial: partial !== undefined };
  }

  async #dispatch(ti: TaskInstance, redelivery = false): Promise<void> {
    try {
      await this.#o.executor.dispatch({
        dispatchId: dispatchIdFor(ti.runId, ti.taskId, ti.tryNumber),
        runId: ti.runId,
        dagId: ti.dagId,
        taskId: ti.taskId,
        tryNumber: ti.tryNumber,
        pool: ti.pool,
        ...(redelivery ? { redelivery } : {}),
      });
    } catch (error) {
      // The try stays queued in the metadata DB; the lost-dispatch sweep hands it over again.
      this.#o.logger.error('dispatch failed; will retry', {
        dispatchId: dispatchIdFor(ti.runId, ti.taskId, ti.tryNumber),
        error: (error as Error).message,
      });
    }
  }

  /** Queued tries whose dispatch may have been lost (all of them on the first pass after a restart). */
  async #redispatchLost(now: Date): Promise<void> {
    const queuedBefore = this.#requeueAll ? now : new Date(now.getTime() - this.#o.requeueAfterMs);
    this.#requeueAll = false;
    const lost = await this.#o.store.findTaskInstances({ states: ['queued'], queuedBefore });
    for (const ti of lost) {
      if (this.#o.runFilter && !this.#o.runFilter(ti.runId)) continue;
      await this.#dispatch(ti, true);
    }
  }
}

/** A loaded run: the run and its task states (all of them, or a `partial` read around settled tries). */
type LoadedRun = {
  readonly run: DagRun;
  readonly tasks: readonly TaskStateRow[];
  /** Set when only some tasks were read: trigger rules are evaluated only for `evaluate`. */
  readonly partial?: { readonly evaluate: ReadonlySet<string> };
};

/** The DAG id of a run id (`<dag_id>__<interval start>`). */
function dagIdOf(runId: string): string {
  return runId.slice(0, runId.lastIndexOf('__'));
}

interface RunPlan {
  readonly run: DagRun;
  readonly changes: readonly TaskTransition[];
  /** Pools of the tasks that become `scheduled`. */
  readonly pools: ReadonlySet<string>;
  /** The run's state once every change took effect. */
  readonly outcome: 'running' | 'success' | 'failed';
  /** Planned from a partial read (see `LoadedRun.partial`). */
  readonly partial: boolean;
}

const specIndexes = new WeakMap<DagSpec, ReadonlyMap<string, TaskSpec>>();

/** The tasks of a spec by id (cached per spec: wide DAGs are looked up once per settle). */
function specIndex(spec: DagSpec): ReadonlyMap<string, TaskSpec> {
  let index = specIndexes.get(spec);
  if (!index) {
    index = new Map(spec.tasks.map((t) => [t.id, t]));
    specIndexes.set(spec, index);
  }
  return index;
}
