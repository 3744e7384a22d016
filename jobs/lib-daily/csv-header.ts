/**
 * Reads and checks the header row of a CSV snapshot before it is loaded, so that a file without a usable header
 * fails the task at once with the file and the column named (retrying cannot fix a file). Only the first line
 * is read; the rows themselves are loaded by the warehouse.
 */

import type { ObjectStore } from '../../src/ports/object-store.ts';
import { NonRetryableError } from '../../src/sdk/index.ts';

const MAX_HEADER_BYTES = 64 * 1024;

/** The first line of an object, without BOM and line ending ('' for an empty object). */
export async function readFirstLine(objects: ObjectStore, name: string): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for await (const chunk of objects.read(name)) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes('\n') || text.length >= MAX_HEADER_BYTES) break;
  }
  const line = text.split('\n', 1)[0] ?? '';
  return line.replace(/^\uFEFF/, '').replace(/\r$/, '');
}

/** Split a CSV header line (quoted names allowed) into trimmed column names. */
export function parseHeader(line: string): string[] {
  const names: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      names.push(current.trim());
      current = '';
    } else current += ch;
  }
  names.push(current.trim());
  return names;
}

/**
 * Fail (non-retryable) unless the header of `name` is exactly `expected`, in order, naming the file and the
 * first column that is missing or out of place.
 *
 * @example await assertCsvHeader(objects, 'landing/products/p.csv', ['product_id', 'product_name'])
 */
export async function assertCsvHeader(
  objects: ObjectStore,
  name: string,
  expected: readonly string[],
): Promise<void> {
  const line = await readFirstLine(objects, name);
  const fix = 'fix the file upstream, or take it out with `sluice files skip`';
  if (line.trim() === '')
    throw new NonRetryableError(
      `${name}: no header row; expected the columns ${expected.join(',')} (missing column ${expected[0]}); ${fix}`,
    );
  const found = parseHeader(line);
  for (const [i, column] of expected.entries()) {
    if (found[i] === column) continue;
    const where = found.indexOf(column);
    throw new NonRetryableError(
      where < 0
        ? `${name}: header has no column ${column} (found ${found.join(',')}; expected ${expected.join(',')}); ${fix}`
        : `${name}: header column ${column} is at position ${where + 1}, expected ${i + 1} (found ${found.join(',')}; expected ${expected.join(',')}); ${fix}`,
    );
  }
  if (found.length > expected.length)
    throw new NonRetryableError(
      `${name}: header has an unexpected column ${found[expected.length]} (expected ${expected.join(',')}); ${fix}`,
    );
}
