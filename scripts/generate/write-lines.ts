/**
 * Streams generated text into the object store in large chunks (optionally gzipped), so that a million
 * orders never sit in memory at once and each object still appears atomically.
 */
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ObjectInfo, ObjectStore } from '../../src/ports/object-store.ts';

const CHUNK_CHARS = 1 << 20;

/** Batch an iterable of lines (each already ending in its terminator) into ~1 MB byte chunks. */
export async function* chunkLines(lines: Iterable<string>): AsyncIterable<Uint8Array> {
  let buffer = '';
  for (const line of lines) {
    buffer += line;
    if (buffer.length >= CHUNK_CHARS) {
      yield Buffer.from(buffer, 'utf8');
      buffer = '';
    }
  }
  if (buffer !== '') yield Buffer.from(buffer, 'utf8');
}

/**
 * Write `lines` as one object named `name`; with `gzip` the bytes are gzip-compressed on the way.
 *
 * @example await writeLines(store, 'landing/orders/a.jsonl', ['{"a": 1}\n'])
 */
export async function writeLines(
  store: ObjectStore,
  name: string,
  lines: Iterable<string>,
  options: { gzip?: boolean } = {},
): Promise<ObjectInfo> {
  const chunks = chunkLines(lines);
  if (!options.gzip) return store.write(name, chunks, { contentType: contentTypeOf(name) });
  const gzipped = Readable.from(chunks).pipe(createGzip());
  return store.write(name, gzipped as AsyncIterable<Uint8Array>, { contentType: 'application/gzip' });
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.csv')) return 'text/csv';
  return 'application/x-ndjson';
}
