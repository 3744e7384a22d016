/**
 * Pure backfill planning: dates, the intervals of a range (exclusive end, start/end dates, now, the
 * 10,000-interval guard), what each interval gets under each reprocess mode, and the progress estimate.
 */
import { describe, expect, it } from 'vitest';
import { parseBackfillDate } from '../../src/core/backfill/backfill-date.ts';
import { backfillIntervals } from '../../src/core/backfill/backfill-intervals.ts';
import { etaSeconds, isSettled, runsPlanned } from '../../src/core/backfill/backfill-progress.ts';
import { decideInterval } from '../../src/core/backfill/interval-decision.ts';
import { parseReprocessMode } from '../../src/core/backfill/reprocess-mode.ts';

const at = (iso: string) => new Date(iso);
const NOW = at('2026-06-01T12:00:00Z');
const base = {
  dagId: 'daily',
  schedule: '0 0 * * *',
  startDate: at('2026-01-01T00:00:00Z'),
  endDate: null,
  now: NOW,
  confirmed: false,
};
const starts = (r: { intervals: { start: Date }[] }) =>
  r.intervals.map((i) => i.start.toISOString().slice(0, 16));

describe('backfill dates', () => {
  it('reads UTC days and ISO instants', () => {
    expect(parseBackfillDate('2026-01-31', '--to')).toEqual(at('2026-01-31T00:00:00Z'));
    expect(parseBackfillDate('2026-01-31T10:15', '--from')).toEqual(at('2026-01-31T10:15:00Z'));
    expect(parseBackfillDate('2026-01-31T10:15:30.5+02:00', '--from')).toEqual(
      at('2026-01-31T08:15:30.500Z'),
    );
  });

  it('rejects malformed and impossible dates in one line naming the flag', () => {
    for (const bad of ['2026-13-01', '2026-02-30', 'yesterday', '01/02/2026', '2026-01-01T25:00', ''])
      expect(() => parseBackfillDate(bad, '--from')).toThrow(
        expect.objectContaining({
          code: 'E_USAGE',
          message: expect.stringMatching(/^--from ".*" is not a date: use YYYY-MM-DD/),
        }),
      );
  });

  it('knows the reprocess modes', () => {
    expect(parseReprocessMode('all')).toBe('all');
    expect(() => parseReprocessMode('some')).toThrow(
      /--reprocess "some" is not a mode: use missing, failed or all/,
    );
  });
});

describe('backfill intervals', () => {
  it('takes every interval starting in [from, to): --to is exclusive', () => {
    const r = backfillIntervals({ ...base, from: at('2026-03-01'), to: at('2026-03-11') });
    expect(r.intervals).toHaveLength(10);
    expect(starts(r)[0]).toBe('2026-03-01T00:00');
    expect(starts(r).at(-1)).toBe('2026-03-10T00:00');
    expect(r.intervals[9]!.end).toEqual(at('2026-03-11T00:00:00Z'));
    expect(r.notes).toEqual([]);
  });

  it('aligns to the schedule and clips to the start date and to now', () => {
    const quarter = { ...base, schedule: '*/15 * * * *' };
    const r = backfillIntervals({
      ...quarter,
      from: at('2026-03-01T10:07:00Z'),
      to: at('2026-03-01T11:00:00Z'),
    });
    expect(starts(r)).toEqual(['2026-03-01T10:15', '2026-03-01T10:30', '2026-03-01T10:45']);
    const early = backfillIntervals({ ...base, from: at('2025-12-30'), to: at('2026-01-02') });
    expect(starts(early)).toEqual(['2026-01-01T00:00']);
    expect(early.notes[0]).toMatch(/before the DAG's start date 2026-01-01/);
    const late = backfillIntervals({ ...base, from: at('2026-05-30'), to: at('2026-06-10') });
    // [05-30, 05-31) and [05-31, 06-01) have ended at noon on 06-01; [06-01, 06-02) has not.
    expect(starts(late)).toEqual(['2026-05-30T00:00', '2026-05-31T00:00']);
    expect(late.notes[0]).toMatch(/left to the schedule, from 2026-06-01T00:00:00.000Z/);
  });

  it('refuses bad ranges with one clear line each', () => {
    expect(() => backfillIntervals({ ...base, from: at('2026-03-05'), to: at('2026-03-01') })).toThrow(
      /^--from 2026-03-05 is not before --to 2026-03-01 \(--to is exclusive\): give a later --to$/,
    );
    expect(() => backfillIntervals({ ...base, from: at('2026-03-05'), to: at('2026-03-05') })).toThrow(
      /not before/,
    );
    expect(() =>
      backfillIntervals({ ...base, schedule: null, from: at('2026-03-01'), to: at('2026-03-05') }),
    ).toThrow(/DAG daily has no schedule/);
    expect(() => backfillIntervals({ ...base, from: at('2026-07-01'), to: at('2026-07-05') })).toThrow(
      /no complete interval of "0 0 \* \* \*" starting in \[2026-07-01, 2026-07-05\)/,
    );
  });

  it('asks for --yes above 10,000 intervals, and accepts them with it', () => {
    const minutely = { ...base, schedule: '* * * * *' };
    const range = { from: at('2026-03-01'), to: at('2026-03-09') }; // 11,520 minutes
    expect(() => backfillIntervals({ ...minutely, ...range })).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message:
          '[2026-03-01, 2026-03-09) holds more than 10,000 intervals of "* * * * *" for DAG daily; pass --yes to backfill them all, or narrow --from/--to',
      }),
    );
    expect(backfillIntervals({ ...minutely, ...range, confirmed: true }).intervals).toHaveLength(11_520);
    // Exactly 10,000 needs no confirmation.
    const tenK = backfillIntervals({
      ...minutely,
      from: at('2026-03-01'),
      to: new Date(at('2026-03-01').getTime() + 10_000 * 60_000),
    });
    expect(tenK.intervals).toHaveLength(10_000);
  });
});

describe('interval decisions', () => {
  it('follows the reprocess mode and waits for a run in progress', () => {
    const table = (['missing', 'failed', 'all'] as const).map((mode) => [
      mode,
      ...[undefined, 'success', 'failed', 'queued', 'running'].map(
        (state) => decideInterval(mode, state ? { state: state as 'success' } : undefined).action,
      ),
    ]);
    expect(table).toEqual([
      ['missing', 'create', 'skip', 'skip', 'wait', 'wait'],
      ['failed', 'create', 'skip', 'clear', 'wait', 'wait'],
      ['all', 'create', 'clear', 'clear', 'wait', 'wait'],
    ]);
  });
});

describe('progress', () => {
  const counts = {
    total: 12,
    pending: 4,
    skipped: 2,
    cancelled: 0,
    queued: 0,
    running: 2,
    success: 3,
    failed: 1,
  };
  it('counts planned runs and estimates the time left from the pace so far', () => {
    expect(runsPlanned(counts)).toBe(10);
    expect(etaSeconds(counts, 8_000)).toBe(12); // 2 s per run, 6 left
    expect(etaSeconds({ ...counts, success: 0, failed: 0 }, 8_000)).toBeNull();
    expect(isSettled(counts)).toBe(false);
    expect(isSettled({ ...counts, pending: 0, running: 0 })).toBe(true);
  });
});
