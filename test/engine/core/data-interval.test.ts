import { describe, expect, it } from 'vitest';
import { dueIntervals, manualInterval, nextDueAt } from '../../../src/core/data-interval.ts';

const at = (iso: string) => new Date(iso);
const iso = (i: { start: Date; end: Date }) =>
  `${i.start.toISOString().slice(11, 16)}-${i.end.toISOString().slice(11, 16)}`;
const base = { schedule: '*/15 * * * *', startDate: at('2026-01-01T00:00:00Z'), limit: 100 };

describe('dueIntervals', () => {
  it('with catchup, every missed interval since the last run, contiguous', () => {
    const r = dueIntervals({
      ...base,
      catchup: true,
      lastIntervalEnd: at('2026-01-01T09:00:00Z'),
      now: at('2026-01-01T10:07:00Z'),
    });
    expect(r.map(iso)).toEqual(['09:00-09:15', '09:15-09:30', '09:30-09:45', '09:45-10:00']);
  });

  it('without catchup, only the latest complete interval', () => {
    const r = dueIntervals({
      ...base,
      catchup: false,
      lastIntervalEnd: at('2026-01-01T09:00:00Z'),
      now: at('2026-01-01T10:07:00Z'),
    });
    expect(r.map(iso)).toEqual(['09:45-10:00']);
    expect(
      dueIntervals({
        ...base,
        catchup: false,
        lastIntervalEnd: at('2026-01-01T10:00:00Z'),
        now: at('2026-01-01T10:07:00Z'),
      }),
    ).toEqual([]);
  });

  it('starts at the first schedule time at or after the start date, and only when the interval ended', () => {
    const r = dueIntervals({
      ...base,
      startDate: at('2026-01-01T00:05:00Z'),
      catchup: true,
      lastIntervalEnd: null,
      now: at('2026-01-01T00:44:59Z'),
    });
    expect(r.map(iso)).toEqual(['00:15-00:30']);
  });

  it('respects the limit and the end date', () => {
    const now = at('2026-01-02T00:00:00Z');
    expect(dueIntervals({ ...base, catchup: true, lastIntervalEnd: null, now, limit: 2 }).map(iso)).toEqual([
      '00:00-00:15',
      '00:15-00:30',
    ]);
    const ended = dueIntervals({
      ...base,
      endDate: at('2026-01-01T00:30:00Z'),
      catchup: true,
      lastIntervalEnd: null,
      now,
    });
    expect(ended.map(iso)).toEqual(['00:00-00:15', '00:15-00:30']);
  });

  it('tells when the next interval becomes due', () => {
    const next = nextDueAt({
      ...base,
      lastIntervalEnd: at('2026-01-01T10:00:00Z'),
      now: at('2026-01-01T10:07:00Z'),
    });
    expect(next?.toISOString()).toBe('2026-01-01T10:15:00.000Z');
    const future = nextDueAt({
      ...base,
      startDate: at('2026-02-01T00:00:00Z'),
      lastIntervalEnd: null,
      now: at('2026-01-01T00:00:00Z'),
    });
    expect(future?.toISOString()).toBe('2026-02-01T00:15:00.000Z');
  });
});

describe('manualInterval', () => {
  it('is the latest complete interval, or the one starting at the given time', () => {
    expect(iso(manualInterval('*/15 * * * *', at('2026-01-01T10:07:00Z')))).toBe('09:45-10:00');
    expect(iso(manualInterval('*/15 * * * *', at('2026-01-01T10:07:00Z'), at('2026-01-01T08:30:00Z')))).toBe(
      '08:30-08:45',
    );
  });

  it('rejects a start that is not on the schedule, naming the nearest ones', () => {
    expect(() =>
      manualInterval('*/15 * * * *', at('2026-01-01T10:07:00Z'), at('2026-01-01T08:31:00Z')),
    ).toThrow(/not on the schedule.*08:30:00.*08:45:00/);
  });

  it('gives unscheduled DAGs an empty interval at the minute', () => {
    const i = manualInterval(null, at('2026-01-01T10:07:31Z'));
    expect(i.start.toISOString()).toBe('2026-01-01T10:07:00.000Z');
    expect(i.end).toEqual(i.start);
  });
});
