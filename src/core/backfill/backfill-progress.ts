/**
 * How far a backfill is: counts of its intervals by outcome, and a remaining-time estimate from the pace so
 * far. Pure; the caller supplies the elapsed time.
 */

export interface BackfillCounts {
  /** Intervals in the backfill. */
  readonly total: number;
  /** Not started yet (waiting for a slot, or for another run of the interval to end). */
  readonly pending: number;
  /** Left alone by the reprocess mode. */
  readonly skipped: number;
  /** Never started because the backfill was cancelled. */
  readonly cancelled: number;
  /** Started by the backfill, by the state of their run now. */
  readonly queued: number;
  readonly running: number;
  readonly success: number;
  readonly failed: number;
}

/** Runs the backfill makes (started or still to start): the denominator of a progress bar. */
export function runsPlanned(c: BackfillCounts): number {
  return c.total - c.skipped - c.cancelled;
}

/** Runs that finished (success or failed). */
export function runsDone(c: BackfillCounts): number {
  return c.success + c.failed;
}

/** True when nothing is left to start or finish. */
export function isSettled(c: BackfillCounts): boolean {
  return c.pending === 0 && c.queued === 0 && c.running === 0;
}

/**
 * Seconds left at the pace so far, or null before the first run finished.
 *
 * @example etaSeconds({ ...counts, success: 5, pending: 5 }, 10_000) // 10
 */
export function etaSeconds(c: BackfillCounts, elapsedMs: number): number | null {
  const done = runsDone(c);
  if (done === 0 || elapsedMs <= 0) return null;
  const left = runsPlanned(c) - done;
  return Math.max(0, Math.round(((elapsedMs / done) * left) / 1000));
}
