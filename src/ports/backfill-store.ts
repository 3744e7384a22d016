/**
 * The backfill records in the metadata DB (the `backfills` section of the metadata store, kept in its own
 * port so the MetadataStore interface stays as it is). A backfill is created by the CLI or the API and
 * executed by whichever scheduler runs (src/runtime/backfill-executor.ts); every step is a compare-and-set on
 * an interval's row, so two schedulers never start the same interval twice.
 */

import type { BackfillCounts } from '../core/backfill/backfill-progress.ts';
import type {
  BackfillAction,
  BackfillIntervalState,
  BackfillState,
} from '../core/backfill/backfill-state.ts';
import type { ReprocessMode } from '../core/backfill/reprocess-mode.ts';
import type { RunState } from '../core/run-state.ts';
import type { MetadataStore } from './metadata-store.ts';

export interface Backfill {
  /** `bf-<n>`. */
  readonly backfillId: string;
  readonly dagId: string;
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  readonly reprocess: ReprocessMode;
  /** Runs of this backfill queued or running at once (its own limit, beside the DAG's maxActiveRuns). */
  readonly maxActiveRuns: number;
  readonly state: BackfillState;
  readonly totalIntervals: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When the last interval was settled (completed), or when a cancelled backfill's last run ended. */
  readonly completedAt: Date | null;
  readonly cancelledAt: Date | null;
}

export interface BackfillInterval {
  readonly backfillId: string;
  readonly intervalStart: Date;
  readonly intervalEnd: Date;
  /** The interval's run id (deterministic per DAG and interval start). */
  readonly runId: string;
  readonly state: BackfillIntervalState;
  /** How the run was started: made by the backfill, or an existing run taken over and cleared. */
  readonly action: BackfillAction | null;
  /** State of the interval's run when the backfill decided (null when it had none). */
  readonly priorState: RunState | null;
  /** Why it was skipped. */
  readonly reason: string | null;
  readonly claimedAt: Date | null;
  readonly startedAt: Date | null;
}

/** A pending or claimed interval with the run its interval has now (any owner), for deciding it. */
export interface IntervalWithRun {
  readonly interval: BackfillInterval;
  readonly run: {
    readonly state: RunState;
    readonly backfillId: string | null;
    readonly endedAt: Date | null;
  } | null;
}

export interface NewBackfill {
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reprocess: ReprocessMode;
  readonly maxActiveRuns: number;
  readonly intervals: readonly { readonly start: Date; readonly end: Date; readonly runId: string }[];
}

export interface BackfillStore {
  /** Record a backfill and its intervals (all `pending`); ConflictError when the DAG has a running backfill. */
  create(backfill: NewBackfill, now: Date): Promise<Backfill>;
  get(backfillId: string): Promise<Backfill | undefined>;
  /** Newest first. */
  list(filter?: {
    readonly dagId?: string;
    readonly states?: readonly BackfillState[];
    readonly limit?: number;
  }): Promise<Backfill[]>;
  /** Backfills with work for a scheduler: running ones, and cancelled ones whose runs are still queued. */
  listActive(): Promise<Backfill[]>;
  /** Counts of the intervals by state, started ones by the state of their run now. */
  counts(backfillId: string): Promise<BackfillCounts>;
  /** Intervals in start order (optionally of some states), paged. */
  listIntervals(
    backfillId: string,
    options?: {
      readonly states?: readonly BackfillIntervalState[];
      readonly limit?: number;
      readonly offset?: number;
    },
  ): Promise<BackfillInterval[]>;
  /** The oldest `pending` intervals with their runs, and `claimed` ones claimed before `staleBefore`. */
  nextIntervals(
    backfillId: string,
    options: { readonly limit: number; readonly staleBefore: Date },
  ): Promise<IntervalWithRun[]>;
  /** Runs of the backfill that are queued or running, plus intervals claimed and not yet started. */
  activeCount(backfillId: string): Promise<number>;
  /**
   * `pending` (or a stale `claimed`) -> `claimed`, only while the backfill is running and fewer than
   * `maxActiveRuns` of its runs are active (counted under a per-backfill lock). False when not taken.
   */
  claim(
    backfillId: string,
    intervalStart: Date,
    maxActiveRuns: number,
    now: Date,
    staleBefore: Date,
  ): Promise<boolean>;
  /** `claimed` -> `pending` (the interval must wait after all). */
  release(backfillId: string, intervalStart: Date): Promise<void>;
  /** `claimed` -> `started`. */
  markStarted(
    backfillId: string,
    intervalStart: Date,
    action: BackfillAction,
    priorState: RunState | null,
    now: Date,
  ): Promise<void>;
  /** `pending` -> `skipped`, each with its reason and the state of the run that made it skip. */
  markSkipped(
    backfillId: string,
    skips: readonly {
      readonly intervalStart: Date;
      readonly reason: string;
      readonly priorState: RunState | null;
    }[],
    now: Date,
  ): Promise<number>;
  /**
   * Take over a finished run for a backfill (compare-and-set on its state): it becomes a `backfill` run
   * with this backfill id, so its tasks see `ctx.runType === 'backfill'`. False when the run changed.
   */
  adoptRun(runId: string, backfillId: string, fromState: 'success' | 'failed'): Promise<boolean>;
  /** `running` -> `cancelled`, pending intervals -> `cancelled`. Undefined when unknown. */
  cancel(backfillId: string, now: Date): Promise<Backfill | undefined>;
  /** Set `completed` (running) or `completed_at` (cancelled) when nothing is pending, claimed, queued or running. */
  completeIfSettled(backfillId: string, now: Date): Promise<boolean>;
}

/** A metadata store that also keeps backfill records (the kysely store does). */
export interface MetadataStoreWithBackfills extends MetadataStore {
  readonly backfills: BackfillStore;
}

/**
 * The backfill records of a metadata store, or undefined for a store without them.
 *
 * @example const backfills = backfillsOf(store); if (backfills) await backfills.listActive()
 */
export function backfillsOf(store: MetadataStore): BackfillStore | undefined {
  return (store as Partial<MetadataStoreWithBackfills>).backfills;
}
