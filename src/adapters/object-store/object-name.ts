/**
 * Rules every object store applies to object names and list prefixes, so that the same name is accepted or
 * refused on a folder and on GCS alike, and no name can reach outside the local bucket root.
 */
import { BadObjectNameError } from '../../core/errors/bad-object-name-error.ts';

/** Segments starting with this are the local adapter's own files (temp files, folder markers). */
export const RESERVED_SEGMENT_PREFIX = '.sluice-';

const MAX_NAME_BYTES = 1024; // GCS limit; also keeps local paths well inside PATH_MAX.

// NUL and the other C0 controls, DEL: GCS forbids CR/LF, and none of them survive a shell or a SQL literal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True for a zero-byte "folder" object such as `landing/orders/` (GCS consoles create them). */
export function isFolderMarker(name: string): boolean {
  return name.endsWith('/');
}

/**
 * Throw `BadObjectNameError` unless `name` is a relative `/`-separated key with no `.`/`..`/empty segments,
 * backslashes, control characters or reserved segments. A trailing `/` (folder marker) is allowed.
 *
 * @example assertObjectName('landing/orders/a.jsonl') // ok; assertObjectName('../etc/passwd') // throws
 */
export function assertObjectName(name: string): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new BadObjectNameError(String(name), 'it is empty');
  checkCharacters(name);
  if (name.startsWith('/')) throw new BadObjectNameError(name, 'it is an absolute path');
  const segments = name.split('/');
  if (isFolderMarker(name)) segments.pop();
  for (const segment of segments) checkSegment(name, segment);
}

/**
 * Throw `BadObjectNameError` unless `prefix` is a safe list prefix: `''`, or complete safe segments followed by
 * any (possibly partial) last segment, e.g. `landing/orders/` or `landing/orders/2026-`.
 */
export function assertPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new BadObjectNameError(String(prefix), 'prefix is not a string');
  if (prefix === '') return;
  checkCharacters(prefix);
  if (prefix.startsWith('/')) throw new BadObjectNameError(prefix, 'it is an absolute path');
  const segments = prefix.split('/');
  segments.pop(); // the partial last segment only filters names, it never becomes a path
  for (const segment of segments) checkSegment(prefix, segment);
}

function checkCharacters(name: string): void {
  if (name.includes('\u0000')) throw new BadObjectNameError(name, 'it contains a NUL byte');
  if (CONTROL.test(name)) throw new BadObjectNameError(name, 'it contains a control character');
  if (name.includes('\\')) throw new BadObjectNameError(name, 'it contains a backslash');
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES)
    throw new BadObjectNameError(name.slice(0, 60) + '...', `it is longer than ${MAX_NAME_BYTES} bytes`);
  if (name.isWellFormed && !name.isWellFormed())
    throw new BadObjectNameError(name, 'it is not valid Unicode (lone surrogate)');
}

function checkSegment(name: string, segment: string): void {
  if (segment === '') throw new BadObjectNameError(name, 'it has an empty segment (//)');
  if (segment === '.' || segment === '..')
    throw new BadObjectNameError(name, `it has a "${segment}" segment`);
  if (segment.startsWith(RESERVED_SEGMENT_PREFIX))
    throw new BadObjectNameError(name, `segments starting with "${RESERVED_SEGMENT_PREFIX}" are reserved`);
}

/** Compare two names in UTF-8 byte order, the order GCS lists objects in. */
export function compareObjectNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order equals code point order except that surrogates (D800-DFFF) sort below E000-FFFF;
    // code point order equals UTF-8 byte order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
