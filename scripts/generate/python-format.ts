/**
 * Python's text formats, reproduced exactly: `json.dumps` (", " and ": " separators, ensure_ascii),
 * `repr(float)`, `round(x, 2)`, `datetime.isoformat()` and the `csv` module's quoting and CRLF rows. The
 * upstream generators are Python, and Sluice must accept their output byte for byte.
 */

/** A number that Python holds as a float: `pyFloat(3)` dumps as `3.0`, a plain `3` dumps as `3`. */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** Mark `value` as a Python float for `pyJsonDumps`. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/**
 * Python's `repr(float)`: shortest round-trip digits, `.0` on integral values, exponent form outside
 * [1e-4, 1e16).
 *
 * @example pyFloatRepr(400) === '400.0'; pyFloatRepr(0.1 + 0.2) === '0.30000000000000004'
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax >= 1e-4 && ax < 1e16) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  // JS gives `1e-7` / `1.5e+21`; Python pads the exponent to two digits: `1e-07`, `1.5e+21`.
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}

/**
 * Python's `round(x, 2)` on a float: correctly rounded on the exact binary value, ties to even.
 *
 * @example pyRound2(0.125) === 0.12; pyRound2(2.675) === 2.67; pyRound2(0.375) === 0.38
 */
export function pyRound2(x: number): number {
  if (!Number.isFinite(x)) return x;
  // Exact ties at the third decimal are exactly the values whose x*8 is an odd integer (k/8, k odd);
  // toFixed would round those away from zero, Python rounds them to even.
  const eighths = x * 8;
  if (Number.isInteger(eighths) && Math.abs(eighths % 2) === 1 && Math.abs(x) < 2 ** 49) {
    const lower = Math.floor(x * 100);
    return (lower % 2 === 0 ? lower : lower + 1) / 100;
  }
  return Number(x.toFixed(2));
}

/**
 * Python's `datetime.isoformat()` of a naive datetime given as epoch microseconds (UTC):
 * `2025-10-29T10:18:00.417263`, with the fraction omitted when it is zero.
 */
export function pyIsoformat(epochMicros: number): string {
  const ms = Math.floor(epochMicros / 1000);
  const micros = epochMicros - Math.floor(epochMicros / 1_000_000) * 1_000_000;
  const base = new Date(ms).toISOString().slice(0, 19);
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, '0')}`;
}

/** `date.isoformat()` of the UTC day holding `epochMicros`: `2025-10-29`. */
export function pyDateIsoformat(epochMicros: number): string {
  return new Date(Math.floor(epochMicros / 1000)).toISOString().slice(0, 10);
}

// json.dumps(ensure_ascii=True) escapes everything outside space..tilde.
const NON_ASCII = /[\u007f-\uffff]/g;

/** Python's `json.dumps(s)` for a string. */
export function pyJsonString(s: string): string {
  const json = JSON.stringify(s);
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON-like value with Python floats marked by `PyFloat`. */
export type PyValue =
  | null
  | boolean
  | number
  | string
  | PyFloat
  | readonly PyValue[]
  | { readonly [key: string]: PyValue | undefined };

/**
 * Python's `json.dumps(value)` with default arguments; plain numbers are ints (must be integers), `PyFloat`
 * values are floats, keys keep insertion order, `undefined` members are left out.
 *
 * @example pyJsonDumps({ a: 1, b: [pyFloat(2)] }) === '{"a": 1, "b": [2.0]}'
 */
export function pyJsonDumps(value: PyValue): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyJsonString(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new Error(`pyJsonDumps: ${value} is not an int; wrap floats in pyFloat()`);
    return String(value);
  }
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map((v: PyValue) => pyJsonDumps(v)).join(', ')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, PyValue | undefined>))
    if (v !== undefined) parts.push(`${pyJsonString(k)}: ${pyJsonDumps(v)}`);
  return `{${parts.join(', ')}}`;
}

/** One row as Python's `csv.writer` writes it: minimal quoting, `""` escapes, CRLF terminator. */
export function pyCsvRow(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(field: string | number): string {
  const s = String(field);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Parse an ISO-8601 instant to epoch microseconds, keeping up to 6 fractional digits; no offset means UTC.
 *
 * @example parseIsoMicros('2025-10-29T10:18:00.417263') === 1761733080417263
 */
export function parseIsoMicros(iso: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
      iso.trim(),
    );
  if (!m) throw new Error(`not an ISO timestamp: ${iso} (use e.g. 2026-01-01T10:15:00Z)`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23)
    throw new Error(`not a real date/time: ${iso}`);
  let micros = ms * 1000 + Number(frac.padEnd(6, '0'));
  if (offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number];
    micros -= sign * (oh * 60 + om) * 60_000_000;
  }
  return micros;
}
