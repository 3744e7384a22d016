/**
 * Durations as authors write them: milliseconds, or a string of number+unit parts (`'30s'`, `'5m'`,
 * `'1h30m'`, `'250ms'`, `'2d'`).
 */
import { InvalidDurationError } from './errors/invalid-duration-error.ts';

type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/** Milliseconds, or a string such as `'30s'`, `'5m'`, `'1h'`, `'1h30m'`. */
export type Duration = number | `${number}${DurationUnit}` | (string & {});

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Convert a duration to milliseconds; throws `InvalidDurationError` for anything else.
 *
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
    throw new InvalidDurationError(value);
  }
  if (typeof value !== 'string') throw new InvalidDurationError(value);
  const text = value.trim();
  if (text === '') throw new InvalidDurationError(value);
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(text); m !== null; m = PART.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2] as DurationUnit];
    consumed = PART.lastIndex;
  }
  if (consumed !== text.length) throw new InvalidDurationError(value);
  return Math.round(total);
}

/**
 * Render milliseconds compactly for messages.
 *
 * @example formatDuration(90_000) // '1m30s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
