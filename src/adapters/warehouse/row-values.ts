/**
 * Normalises engine values to the port's row conventions, the same for every adapter: DECIMAL/NUMERIC as a
 * minimal decimal string, INT64 as a number when safe else a string, TIMESTAMP as ISO-8601 UTC with
 * microseconds, DATE as `YYYY-MM-DD`.
 */

/** `12.500000000` -> `12.5`, `-3.000` -> `-3`, `0.000` -> `0`. */
export function normalizeDecimal(text: string): string {
  if (!text.includes('.')) return text === '-0' ? '0' : text;
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' || trimmed === '' ? '0' : trimmed;
}

/** An integer from text or bigint: a number when it is a safe integer, else the exact string. */
export function normalizeInteger(value: string | bigint | number): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : String(value);
}

/**
 * `2026-01-10 10:11:12.5` (or with `T`, an offset `+00`/`Z`) -> `2026-01-10T10:11:12.500000Z`.
 * Values without an offset are UTC (the engines run in UTC).
 */
export function normalizeTimestamp(text: string): string {
  const m = /^(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
    text.trim(),
  );
  if (!m) return text;
  const [, date, time, frac = '', offset] = m;
  const micros = frac.padEnd(6, '0').slice(0, 6);
  if (!offset || offset === 'Z' || /^[+-]00(:?00)?$/.test(offset)) return `${date}T${time}.${micros}Z`;
  const ms = Date.parse(
    `${date}T${time}.${micros.slice(0, 3)}${offset.length === 3 ? `${offset}:00` : offset}`,
  );
  return `${new Date(ms).toISOString().slice(0, 23)}${micros.slice(3)}Z`;
}

/** ISO-8601 UTC with microseconds for a JS Date (what bound TIMESTAMP parameters look like in logs). */
export function dateToIsoMicros(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}
