/**
 * States of a backfill and of each of its intervals.
 * A backfill is `running` until every interval is started or skipped and its runs ended (`completed`), or
 * until it is `cancelled` (no new runs; runs already started finish).
 * An interval is `pending` until its turn, `claimed` while a scheduler creates or clears its run, then
 * `started` (the run is the backfill's), `skipped` (the reprocess mode leaves it) or `cancelled`.
 */

export const BACKFILL_STATES = ['running', 'completed', 'cancelled'] as const;
export type BackfillState = (typeof BACKFILL_STATES)[number];

export const BACKFILL_INTERVAL_STATES = ['pending', 'claimed', 'started', 'skipped', 'cancelled'] as const;
export type BackfillIntervalState = (typeof BACKFILL_INTERVAL_STATES)[number];

/** `create`: the backfill made the run; `clear`: it took over an existing run and cleared it. */
export type BackfillAction = 'create' | 'clear';
