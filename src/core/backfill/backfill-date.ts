/**
 * The dates a user gives a backfill: a UTC day (`2026-01-31`, meaning 00:00 UTC) or an ISO instant
 * (`2026-01-31T10:15Z`; no zone means UTC). Anything else is one clear UsageError.
 */
import { UsageError } from '../errors/usage-error.ts';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parse `--from` / `--to`.
 *
 * @example parseBackfillDate('2026-01-31', '--to') // 2026-01-31T00:00:00.000Z
 */
export function parseBackfillDate(text: string, flag: string): Date {
  const value = String(text ?? '').trim();
  const day = DAY.exec(value);
  if (day) return checked(value, flag, Number(day[1]), Number(day[2]), Number(day[3]), 0, 0, 0, 0, 'Z');
  const at = INSTANT.exec(value);
  if (at) {
    const millis = at[7] ? Math.floor(Number(`0${at[7]}`) * 1000) : 0;
    return checked(
      value,
      flag,
      Number(at[1]),
      Number(at[2]),
      Number(at[3]),
      Number(at[4]),
      Number(at[5]),
      Number(at[6] ?? 0),
      millis,
      at[8] ?? 'Z',
    );
  }
  throw malformed(value, flag);
}

function checked(
  text: string,
  flag: string,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone: string,
): Date {
  // Date.UTC rolls 2026-02-30 over to March: compare the fields back to reject impossible dates.
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (
    local.getUTCFullYear() !== y ||
    local.getUTCMonth() !== mo - 1 ||
    local.getUTCDate() !== d ||
    local.getUTCHours() !== h ||
    local.getUTCMinutes() !== mi ||
    local.getUTCSeconds() !== s
  )
    throw malformed(text, flag);
  if (zone.toUpperCase() === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2, 4)) > 59) throw malformed(text, flag);
  return new Date(local.getTime() - sign * offsetMin * 60_000);
}

function malformed(text: string, flag: string): UsageError {
  return new UsageError(
    `${flag} ${JSON.stringify(text)} is not a date: use YYYY-MM-DD (a UTC day) or an ISO instant like 2026-01-01T10:15:00Z`,
  );
}
