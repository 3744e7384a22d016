/**
 * Names and places of the order files: which objects in `landing/orders/` are order files, where a claimed
 * file is read from (it may already be archived when a task is re-run), and where it is archived or rejected.
 * Pure name logic plus two object-store lookups; no data is read here.
 */
import type { LedgerEntry } from '../../src/ports/file-ledger.ts';
import type { ObjectStore } from '../../src/ports/object-store.ts';

/** The file-ledger entity of order files. */
export const ORDERS_ENTITY = 'orders';
/** Where upstream drops order files. */
export const ORDERS_LANDING = 'landing/orders/';
/** Newline-delimited JSON, optionally gzipped (DESIGN.md, Landing zone). */
export const ORDER_EXTENSIONS = [
  '.json',
  '.jsonl',
  '.ndjson',
  '.json.gz',
  '.jsonl.gz',
  '.ndjson.gz',
] as const;

export type OrderObjectKind = 'orders' | 'folder_marker' | 'wrong_extension';

/**
 * What the sensor does with an object under `landing/orders/`: load it, or ignore it (a zero-byte "folder"
 * object, or another extension such as `.csv` or a temporary upload name `.jsonl.tmp`).
 *
 * @example orderObjectKind('landing/orders/a.jsonl.gz') === 'orders'
 */
export function orderObjectKind(name: string): OrderObjectKind {
  if (name.endsWith('/')) return 'folder_marker';
  return ORDER_EXTENSIONS.some((ext) => name.endsWith(ext)) ? 'orders' : 'wrong_extension';
}

/** The part of an object name below `landing/orders/` (kept when archiving, so sub-folders cannot collide). */
export function relativeName(object: string): string {
  return object.startsWith(ORDERS_LANDING) ? object.slice(ORDERS_LANDING.length) : object;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Where a batch archives one of its files: `archive/orders/dt=<day of the interval start>/<batch_id>/<name>`.
 *
 * @example archiveName('landing/orders/a.json', 'b1', new Date('2026-01-01T10:00:00Z')) // archive/orders/dt=2026-01-01/b1/a.json
 */
export function archiveName(object: string, batchId: string, intervalStart: Date): string {
  return `archive/orders/dt=${utcDay(intervalStart)}/${batchId}/${relativeName(object)}`;
}

/** Where `sluice files skip` moves a poisoned order file: `rejected/orders/<name>`. */
export function rejectedName(object: string): string {
  return `rejected/orders/${relativeName(object)}`;
}

/**
 * The object to read a claimed file from: its landing name, or its archive name when an earlier run of the
 * same batch archived it already (a re-run reprocesses exactly the batch's files).
 */
export async function currentLocation(objects: ObjectStore, entry: LedgerEntry): Promise<string> {
  if (entry.state === 'archived' && entry.movedTo && (await objects.exists(entry.movedTo)))
    return entry.movedTo;
  return entry.object;
}
