/**
 * Executes backfill records inside the scheduler: on each pass it starts, for every active backfill, the
 * next intervals up to the backfill's own max-active-runs (oldest first), creating a run where the interval
 * has none and taking over and clearing one where the reprocess mode says so. The scheduler then drives
 * those runs like any other. It never starts an interval whose run is queued or running (it waits for it),
 * and it runs after the scheduler has created and admitted the live runs of the pass: backfill runs do not
 * count against a DAG's maxActiveRuns, and their tasks queue behind live ones in every pool
 * (docs/adr/0017-backfills.md). Like the scheduler, it works only from DAG specs, never job code.
 */
import { decideInterval } from '../core/backfill/interval-decision.ts';
import type { DagSpec } from '../core/dag/dag-spec.ts';
import type { RunState } from '../core/run-state.ts';
import type { Backfill, BackfillStore, IntervalWithRun } from '../ports/backfill-store.ts';
import { backfillsOf } from '../ports/backfill-store.ts';
import type { Logger } from '../ports/logger.ts';
import type { DagRun, MetadataStore } from '../ports/metadata-store.ts';
import type { DagSource } from './dag-loader.ts';

/** A claim limit that never binds (recovering a claim starts nothing new). */
const UNLIMITED = 1_000_000;

/** What the scheduler calls once per pass (and after runs finish). */
export interface BackfillDriver {
  /** Start what the active backfills may start now; returns the runs moved to `running`. */
  tick(now: Date): Promise<DagRun[]>;
}

export interface BackfillExecutorOptions {
  readonly store: MetadataStore;
  readonly backfills: BackfillStore;
  readonly dags: DagSource;
  readonly logger: Logger;
  /** Only execute these backfills (a `sluice backfill --wait` without a server runs just its own). */
  readonly only?: (backfillId: string) => boolean;
  /** A claim older than this was left by a scheduler that died mid-step (default 60 s). */
  readonly claimTimeoutMs?: number;
  /** Pending intervals read per page when deciding (default 500). */
  readonly pageSize?: number;
}

/**
 * The executor of a store that keeps backfill records, or undefined when it keeps none.
 *
 * @example const driver = backfillDriverFor({ store, dags, logger })
 */
export function backfillDriverFor(
  options: Omit<BackfillExecutorOptions, 'backfills'>,
): BackfillExecutor | undefined {
  const backfills = backfillsOf(options.store);
  return backfills ? new BackfillExecutor({ ...options, backfills }) : undefined;
}

export class BackfillExecutor implements BackfillDriver {
  readonly #o: BackfillExecutorOptions;
  readonly #missingDags = new Set<string>();

  constructor(options: BackfillExecutorOptions) {
    this.#o = options;
  }

  async tick(now: Date): Promise<DagRun[]> {
    const started: DagRun[] = [];
    for (const backfill of await this.#o.backfills.listActive()) {
      if (this.#o.only && !this.#o.only(backfill.backfillId)) continue;
      try {
        started.push(...(await this.#advance(backfill, now)));
      } catch (error) {
        // One backfill's trouble must not stop the others (nor the scheduler's pass).
        this.#o.logger.error('backfill step failed; retried on the next pass', {
          backfillId: backfill.backfillId,
          error: (error as Error).message,
        });
      }
    }
    return started;
  }

  async #advance(backfill: Backfill, now: Date): Promise<DagRun[]> {
    const { store, backfills } = this.#o;
    const started: DagRun[] = [];
    // Runs this backfill made or cleared and nobody started yet (a crash between the two, or a cancel).
    for (const run of await store.listRuns({
      backfillId: backfill.backfillId,
      states: ['queued'],
      order: 'asc',
      limit: 1_000,
    })) {
      if (await store.transitionRun(run.runId, ['queued'], 'running', now))
        started.push({ ...run, state: 'running', startedAt: now });
    }
    if (backfill.state === 'running') {
      const spec = this.#o.dags.get(backfill.dagId);
      if (spec) {
        this.#missingDags.delete(backfill.dagId);
        started.push(...(await this.#startIntervals(backfill, spec, now)));
      } else if (!this.#missingDags.has(backfill.dagId)) {
        this.#missingDags.add(backfill.dagId);
        this.#o.logger.warn(`backfill ${backfill.backfillId} waits: DAG ${backfill.dagId} is not loaded`);
      }
    }
    if (started.length === 0 && (await backfills.completeIfSettled(backfill.backfillId, now)))
      this.#o.logger.info(
        `backfill ${backfill.backfillId} ${backfill.state === 'running' ? 'completed' : 'settled'}`,
        {
          backfillId: backfill.backfillId,
        },
      );
    return started;
  }

  async #startIntervals(backfill: Backfill, spec: DagSpec, now: Date): Promise<DagRun[]> {
    const { backfills } = this.#o;
    const started: DagRun[] = [];
    const staleBefore = new Date(now.getTime() - (this.#o.claimTimeoutMs ?? 60_000));
    let free = backfill.maxActiveRuns - (await backfills.activeCount(backfill.backfillId));
    const pageSize = this.#o.pageSize ?? 500;
    // Pages until the free slots are used: skipped intervals are settled in bulk along the way, so a
    // `missing` backfill over mostly-done history moves fast.
    for (let page = 0; page < 50 && free > 0; page++) {
      const next = await backfills.nextIntervals(backfill.backfillId, { limit: pageSize, staleBefore });
      if (next.length === 0) break;
      const skips: { intervalStart: Date; reason: string; priorState: RunState | null }[] = [];
      let progressed = false;
      for (const item of next) {
        if (item.interval.state === 'claimed') {
          const run = await this.#recover(backfill, item, now, staleBefore);
          if (run) started.push(run);
          progressed = true;
          continue;
        }
        const decision = decideInterval(backfill.reprocess, item.run ?? undefined);
        if (decision.action === 'skip') {
          skips.push({
            intervalStart: item.interval.intervalStart,
            reason: decision.reason,
            priorState: item.run?.state ?? null,
          });
          continue;
        }
        if (decision.action === 'wait' || free <= 0) continue;
        const run = await this.#start(backfill, spec, item, now, staleBefore);
        if (run) {
          started.push(run);
          free--;
          progressed = true;
        }
      }
      if (skips.length > 0 && (await backfills.markSkipped(backfill.backfillId, skips, now)) > 0)
        progressed = true;
      // Everything on this page waits for another run: later pages cannot overtake (oldest first).
      if (!progressed || next.length < pageSize) break;
    }
    return started;
  }

  /** Claim an interval and create (or take over and clear) its run; the run, started, or undefined. */
  async #start(
    backfill: Backfill,
    spec: DagSpec,
    item: IntervalWithRun,
    now: Date,
    staleBefore: Date,
  ): Promise<DagRun | undefined> {
    const { store, backfills } = this.#o;
    const { interval } = item;
    if (
      !(await backfills.claim(
        backfill.backfillId,
        interval.intervalStart,
        backfill.maxActiveRuns,
        now,
        staleBefore,
      ))
    )
      return undefined;
    try {
      const decision = decideInterval(backfill.reprocess, item.run ?? undefined);
      if (decision.action === 'create') {
        const run = await store.createRun(
          {
            dagId: spec.id,
            runType: 'backfill',
            backfillId: backfill.backfillId,
            intervalStart: interval.intervalStart,
            intervalEnd: interval.intervalEnd,
            tasks: spec.tasks.map((t) => ({ taskId: t.id, pool: t.pool, priority: t.order })),
          },
          now,
        );
        // Someone made a run for it meanwhile: decide again on the next pass, with that run.
        if (!run) return await this.#releaseAnd(backfill, interval.intervalStart);
        await backfills.markStarted(backfill.backfillId, interval.intervalStart, 'create', null, now);
        this.#o.logger.info('backfill run created', { backfillId: backfill.backfillId, runId: run.runId });
        return this.#run(run.runId, now);
      }
      if (decision.action === 'clear') {
        if (!(await backfills.adoptRun(interval.runId, backfill.backfillId, decision.prior)))
          return await this.#releaseAnd(backfill, interval.intervalStart);
        await store.clearTasks(interval.runId, {}, now);
        await backfills.markStarted(
          backfill.backfillId,
          interval.intervalStart,
          'clear',
          decision.prior,
          now,
        );
        this.#o.logger.info('backfill run cleared', {
          backfillId: backfill.backfillId,
          runId: interval.runId,
          was: decision.prior,
        });
        return this.#run(interval.runId, now);
      }
      return await this.#releaseAnd(backfill, interval.intervalStart);
    } catch (error) {
      await backfills.release(backfill.backfillId, interval.intervalStart).catch(() => {});
      throw error;
    }
  }

  /**
   * Finish a stale claim (its scheduler died between claiming and starting) from the run it left: none, or
   * someone else's -> back to pending; ours -> started, cleared first if it was taken over but never cleared
   * (it ended before the claim).
   */
  async #recover(
    backfill: Backfill,
    item: IntervalWithRun,
    now: Date,
    staleBefore: Date,
  ): Promise<DagRun | undefined> {
    const { store, backfills } = this.#o;
    const { interval } = item;
    if (!(await backfills.claim(backfill.backfillId, interval.intervalStart, UNLIMITED, now, staleBefore)))
      return undefined;
    const run = await store.getRun(interval.runId);
    if (!run || run.backfillId !== backfill.backfillId)
      return this.#releaseAnd(backfill, interval.intervalStart);
    const claimedAt = interval.claimedAt ?? now;
    const neverCleared =
      (run.state === 'success' || run.state === 'failed') && (run.endedAt ?? claimedAt) <= claimedAt;
    if (neverCleared) await store.clearTasks(run.runId, {}, now);
    const action = run.createdAt >= claimedAt ? 'create' : 'clear';
    await backfills.markStarted(backfill.backfillId, interval.intervalStart, action, null, now);
    this.#o.logger.warn('backfill interval recovered from a stale claim', {
      backfillId: backfill.backfillId,
      runId: run.runId,
    });
    return this.#run(run.runId, now);
  }

  async #releaseAnd(backfill: Backfill, intervalStart: Date): Promise<undefined> {
    await this.#o.backfills.release(backfill.backfillId, intervalStart);
    return undefined;
  }

  /** queued -> running for a run the backfill just made or cleared. */
  async #run(runId: string, now: Date): Promise<DagRun | undefined> {
    const { store } = this.#o;
    await store.transitionRun(runId, ['queued'], 'running', now);
    const run = await store.getRun(runId);
    return run?.state === 'running' ? run : undefined;
  }
}
