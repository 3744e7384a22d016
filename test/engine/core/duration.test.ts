import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/core/duration.ts';

describe('parseDuration', () => {
  it.each([
    [1500, 1500],
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1.5s', 1500],
    ['42', 42],
  ])('%s -> %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '5 minutes', 'm5', '5x', '-1s', '1h 30m', -5, Number.NaN])(
    'rejects %j with a stable code',
    (input) => {
      expect(() => parseDuration(input as never)).toThrow(
        expect.objectContaining({ code: 'E_INVALID_DURATION' }),
      );
    },
  );

  it('formats compactly', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(3_600_000)).toBe('1h');
  });
});
