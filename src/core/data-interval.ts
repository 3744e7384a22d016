/**
 * Data intervals: half-open `[start, end)` in UTC between consecutive schedule times. A run for
 * `[10:00, 10:15)` becomes due at 10:15. Pure functions of (schedule, start date, last interval, now, catchup).
 */
import { UsageError } from './errors/usage-error.ts';
import { fireAtOrAfter, fireAtOrBefore, fireBefore, isFireTime, nextFireAfter } from './schedule.ts';

export interface DataInterval {
  readonly start: Date;
  readonly end: Date;
}

export interface DueIntervalsInput {
  /** 5-field UTC cron. */
  readonly schedule: string;
  readonly startDate: Date;
  readonly endDate?: Date | null;
  readonly catchup: boolean;
  /** End of the latest scheduled interval that already has a run (null when none). */
  readonly lastIntervalEnd: Date | null;
  readonly now: Date;
  /** At most this many intervals (oldest first). */
  readonly limit: number;
}

/**
 * Intervals that are due and have no run yet, oldest first: every missed one with catchup, else only the latest.
 *
 * @example dueIntervals({ schedule: '0 * * * *', startDate, catchup: true, lastIntervalEnd: null, now, limit: 10 })
 */
export function dueIntervals(input: DueIntervalsInput): DataInterval[] {
  const { schedule, now, limit } = input;
  if (limit <= 0) return [];
  const first = firstPendingStart(schedule, input.startDate, input.lastIntervalEnd);
  if (!first) return [];
  const endDate = input.endDate ?? null;
  const inRange = (start: Date) => (endDate === null || start < endDate) && start >= input.startDate;

  if (!input.catchup) {
    const latestEnd = fireAtOrBefore(schedule, now);
    if (!latestEnd) return [];
    const latestStart = fireBefore(schedule, latestEnd);
    if (!latestStart || latestStart < first || !inRange(latestStart)) return [];
    return [{ start: latestStart, end: latestEnd }];
  }

  const out: DataInterval[] = [];
  let start: Date | null = first;
  while (start && out.length < limit && inRange(start)) {
    const end = nextFireAfter(schedule, start);
    if (!end || end > now) break;
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Start of the first interval without a run: after the last one, never before the (aligned) start date. */
function firstPendingStart(schedule: string, startDate: Date, lastIntervalEnd: Date | null): Date | null {
  const aligned = fireAtOrAfter(schedule, startDate);
  if (!aligned) return null;
  return lastIntervalEnd && lastIntervalEnd > aligned ? lastIntervalEnd : aligned;
}

/**
 * The next instant at which a new interval becomes due (the end of the interval after `lastIntervalEnd`),
 * for waking the scheduler; null when the schedule has ended.
 */
export function nextDueAt(input: Omit<DueIntervalsInput, 'limit' | 'catchup'>): Date | null {
  const { schedule, now } = input;
  const first = firstPendingStart(schedule, input.startDate, input.lastIntervalEnd);
  if (!first) return null;
  // The earliest end strictly after now, but never before the first pending interval ends.
  const afterFirst = nextFireAfter(schedule, first);
  const afterNow = nextFireAfter(schedule, now);
  if (!afterFirst || !afterNow) return null;
  const at = new Date(Math.max(afterFirst.getTime(), afterNow.getTime()));
  const start = fireBefore(schedule, at);
  if (input.endDate && start && start >= input.endDate) return null;
  return at;
}

/**
 * The interval of a manual run: the one starting at `intervalStart` (which must be a schedule time), or the
 * latest complete interval at `now`. DAGs without a schedule get the empty interval `[t, t)`.
 *
 * @example manualInterval('*\/15 * * * *', now, new Date('2026-01-01T10:15:00Z'))
 */
export function manualInterval(schedule: string | null, now: Date, intervalStart?: Date): DataInterval {
  if (schedule === null) {
    const t = intervalStart ?? new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    return { start: t, end: t };
  }
  if (intervalStart) {
    if (!isFireTime(schedule, intervalStart)) {
      const before = fireAtOrBefore(schedule, intervalStart);
      const after = nextFireAfter(schedule, intervalStart);
      throw new UsageError(
        `interval start ${intervalStart.toISOString()} is not on the schedule "${schedule}"; ` +
          `nearest: ${before?.toISOString() ?? '-'} or ${after?.toISOString() ?? '-'}`,
      );
    }
    const end = nextFireAfter(schedule, intervalStart);
    if (!end) throw new UsageError(`schedule "${schedule}" has no time after ${intervalStart.toISOString()}`);
    return { start: intervalStart, end };
  }
  const end = fireAtOrBefore(schedule, now);
  const start = end ? fireBefore(schedule, end) : null;
  if (!end || !start) throw new UsageError(`schedule "${schedule}" has no complete interval before now`);
  return { start, end };
}
