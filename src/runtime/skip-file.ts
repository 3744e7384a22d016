/**
 * Taking a poisoned file out of the batch that holds it: the ledger marks it rejected (claims and re-runs no
 * longer see it), then the object moves to `rejected/`. Used by `sluice files skip` and `POST /api/files/skip`.
 */
import type { FileLedger, LedgerEntry } from '../ports/file-ledger.ts';
import type { ObjectStore } from '../ports/object-store.ts';

/** Where a skipped object goes: `landing/<entity>/x` -> `rejected/<entity>/x`. */
export function rejectedLocation(object: string): string {
  return `rejected/${object.startsWith('landing/') ? object.slice('landing/'.length) : object}`;
}

/**
 * Reject `object` with a reason and move it to `rejected/`. Safe to repeat after a crash between the steps.
 *
 * @example await skipFile({ ledger, objects }, 'landing/orders/bad.jsonl', 'truncated upstream export')
 */
export async function skipFile(
  deps: { ledger: FileLedger; objects: ObjectStore },
  object: string,
  reason: string,
): Promise<LedgerEntry> {
  const destination = rejectedLocation(object);
  const entry = await deps.ledger.reject(object, reason, destination);
  if (await deps.objects.exists(object)) await deps.objects.move(object, destination);
  return entry;
}
