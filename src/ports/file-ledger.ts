/**
 * The file ledger (metadata DB): every landed object and what happened to it. It is how "exactly these
 * files" and "nothing lost" are proven. Keyed by (object name, generation): a re-uploaded object with new
 * content is a new entry.
 */
import type { ObjectInfo } from './object-store.ts';

export type FileState = 'landed' | 'claimed' | 'loaded' | 'archived' | 'rejected' | 'ignored';

export interface LedgerEntry {
  readonly object: string;
  readonly generation: string;
  /** `orders`, `products`, `customers`. */
  readonly entity: string;
  readonly size: number;
  /** When the object was created in the bucket. */
  readonly landedAt: Date;
  readonly state: FileState;
  /** Batch (= run) that claimed it; kept after archive for lineage. */
  readonly batchId: string | null;
  readonly runId: string | null;
  /** Where it was moved (archive/... or rejected/...). */
  readonly movedTo: string | null;
  readonly linesRead: number | null;
  readonly linesKept: number | null;
  readonly linesQuarantined: number | null;
  readonly linesDuplicate: number | null;
  readonly reason: string | null;
  readonly updatedAt: Date;
}

export interface LineCounts {
  readonly linesRead: number;
  readonly linesKept: number;
  readonly linesQuarantined: number;
  readonly linesDuplicate: number;
}

export interface FileLedger {
  /** Record objects seen by a sensor; returns the entries that were not known before. */
  record(entity: string, objects: readonly ObjectInfo[]): Promise<LedgerEntry[]>;
  /** Mark objects the sensor ignores (wrong extension, folder marker) so they are reported once. */
  ignore(entity: string, objects: readonly ObjectInfo[], reason: string): Promise<LedgerEntry[]>;
  /**
   * Claim for `batchId` every unfinished entry of the entity: landed ones, and ones claimed/loaded by a batch
   * that did not publish (a blocked or failed run). Idempotent: a retry of the same batch gets the same set.
   */
  claim(
    entity: string,
    batchId: string,
    runId: string,
    options?: { landedBefore?: Date },
  ): Promise<LedgerEntry[]>;
  /** Entries claimed by a batch. */
  claimed(batchId: string): Promise<LedgerEntry[]>;
  markLoaded(batchId: string, counts: ReadonlyMap<string, LineCounts>): Promise<void>;
  markArchived(object: string, generation: string, movedTo: string): Promise<void>;
  /** Take a poisoned object out of whatever batch holds it. */
  reject(object: string, reason: string, movedTo: string): Promise<LedgerEntry>;
  list(filter?: {
    state?: FileState;
    entity?: string;
    batchId?: string;
    limit?: number;
  }): Promise<LedgerEntry[]>;
  /** Archived entries whose `landedAt` falls in `[start, end)` (backfills reprocess them). */
  landedIn(entity: string, start: Date, end: Date): Promise<LedgerEntry[]>;
}
