/**
 * The schedule intervals a backfill covers: every interval of the DAG's schedule whose start is in
 * `[from, to)` (`to` is exclusive), clipped to the DAG's start/end dates, and only intervals that have ended
 * by `now` (later ones are the live schedule's). Pure: `now` is given.
 */
import type { DataInterval } from '../data-interval.ts';
import { UsageError } from '../errors/usage-error.ts';
import { fireAtOrAfter, nextFireAfter } from '../schedule.ts';

/** Above this many intervals a backfill needs an explicit confirmation (`--yes`). */
export const CONFIRM_ABOVE_INTERVALS = 10_000;
/** Never more than this many intervals in one backfill, confirmed or not: split the range. */
export const MAX_BACKFILL_INTERVALS = 100_000;

export interface BackfillIntervalsInput {
  readonly dagId: string;
  /** 5-field UTC cron; null for a manual-only DAG (which has no intervals to backfill). */
  readonly schedule: string | null;
  readonly startDate: Date;
  readonly endDate: Date | null;
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  readonly now: Date;
  /** The user confirmed a range over CONFIRM_ABOVE_INTERVALS intervals (`--yes`). */
  readonly confirmed: boolean;
}

export interface BackfillIntervals {
  readonly intervals: DataInterval[];
  /** Why the covered range is narrower than asked, one sentence each (start date, end date, now). */
  readonly notes: string[];
}

/**
 * Enumerate (and validate) the intervals of a backfill, oldest first.
 *
 * @example backfillIntervals({ dagId: 'daily', schedule: '0 0 * * *', startDate, endDate: null, from, to, now, confirmed: false })
 */
export function backfillIntervals(input: BackfillIntervalsInput): BackfillIntervals {
  const { dagId, schedule, from, to, now } = input;
  if (from.getTime() >= to.getTime())
    throw new UsageError(
      `--from ${day(from)} is not before --to ${day(to)} (--to is exclusive): give a later --to`,
    );
  if (schedule === null)
    throw new UsageError(
      `DAG ${dagId} has no schedule, so it has no intervals to backfill; run it with \`sluice dags trigger ${dagId}\``,
    );
  const notes: string[] = [];
  let begin = from;
  if (begin < input.startDate) {
    begin = input.startDate;
    notes.push(`intervals before the DAG's start date ${day(input.startDate)} are not backfilled`);
  }
  let stop = to;
  if (input.endDate && input.endDate < stop) {
    stop = input.endDate;
    notes.push(`intervals from the DAG's end date ${day(input.endDate)} on are not backfilled`);
  }
  const limit = input.confirmed ? MAX_BACKFILL_INTERVALS : CONFIRM_ABOVE_INTERVALS;
  const intervals: DataInterval[] = [];
  let start = fireAtOrAfter(schedule, begin);
  while (start && start < stop) {
    const end = nextFireAfter(schedule, start);
    if (!end) break;
    if (end > now) {
      notes.push(
        `intervals ending after now (${now.toISOString()}) are left to the schedule, from ${start.toISOString()}`,
      );
      break;
    }
    if (intervals.length === limit) throw tooMany(dagId, schedule, from, to, input.confirmed);
    intervals.push({ start, end });
    start = end;
  }
  if (intervals.length === 0)
    throw new UsageError(
      `DAG ${dagId} has no complete interval of "${schedule}" starting in [${day(from)}, ${day(to)})${notes.length ? ` (${notes.join('; ')})` : ''}; widen the range`,
    );
  return { intervals, notes };
}

function tooMany(dagId: string, schedule: string, from: Date, to: Date, confirmed: boolean): UsageError {
  return confirmed
    ? new UsageError(
        `[${day(from)}, ${day(to)}) holds more than ${MAX_BACKFILL_INTERVALS.toLocaleString('en-US')} intervals of "${schedule}" for DAG ${dagId}; split it into several backfills`,
      )
    : new UsageError(
        `[${day(from)}, ${day(to)}) holds more than ${CONFIRM_ABOVE_INTERVALS.toLocaleString('en-US')} intervals of "${schedule}" for DAG ${dagId}; pass --yes to backfill them all, or narrow --from/--to`,
      );
}

/** `2026-01-01` for a UTC midnight, else the full instant. */
function day(at: Date): string {
  const iso = at.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
