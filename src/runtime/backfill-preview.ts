/**
 * What one backfill run would process, for `--dry-run`: the files the file ledger ties to it, and (through
 * an optional previewer) the bytes a warehouse dry run reports. Files: those its batch already holds (a run
 * taken over and cleared reprocesses exactly them); for a run without any, the archived files that landed
 * in its interval when the DAG re-reads its input from the archive in backfills (the order pipeline,
 * jobs/lib/order-batch.ts), else none known.
 */
import type { DataInterval } from '../core/data-interval.ts';
import type { LedgerEntry } from '../ports/file-ledger.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { BackfillDag } from './backfill-service.ts';

/** Jobs whose backfill runs read the archived files of an entity that landed in their interval. */
export const ARCHIVE_READING_JOBS: Readonly<Record<string, string>> = { sense_order_files: 'orders' };

/** Estimates the bytes a run's statements would process, where the warehouse can tell (BigQuery dry run). */
export interface BackfillPreviewer {
  /** Bytes, or null when the warehouse cannot estimate or the DAG has no statements to estimate. */
  bytesProcessed(dag: BackfillDag, interval: DataInterval, runId: string): Promise<number | null>;
  /** Why some estimates are missing (a dry run that failed, a cap), one sentence each. */
  notes?(): readonly string[];
  close?(): Promise<void>;
}

export interface IntervalPreview {
  readonly files: {
    readonly count: number;
    readonly bytes: number;
    readonly objects: readonly string[];
  } | null;
  readonly bytesProcessed: number | null;
}

/** At most this many object names per interval in a preview (the counts cover all). */
const OBJECTS_SHOWN = 20;

/**
 * Preview one interval of a backfill.
 *
 * @example await previewInterval({ store, dag, interval, runId })
 */
export async function previewInterval(input: {
  readonly store: MetadataStore;
  readonly dag: BackfillDag;
  readonly interval: DataInterval;
  readonly runId: string;
  readonly previewer?: BackfillPreviewer;
}): Promise<IntervalPreview> {
  const { store, dag, interval, runId } = input;
  let files: LedgerEntry[] | null = await store.ledger.claimed(runId);
  if (files.length === 0) {
    const entities = [
      ...new Set(dag.tasks.map((t) => ARCHIVE_READING_JOBS[t.job]).filter((e) => e !== undefined)),
    ];
    files = entities.length === 0 ? null : [];
    for (const entity of entities)
      files!.push(...(await store.ledger.landedIn(entity, interval.start, interval.end)));
  }
  const bytesProcessed = input.previewer ? await input.previewer.bytesProcessed(dag, interval, runId) : null;
  return {
    files: files
      ? {
          count: files.length,
          bytes: files.reduce((n, f) => n + f.size, 0),
          objects: files.slice(0, OBJECTS_SHOWN).map((f) => f.object),
        }
      : null,
    bytesProcessed,
  };
}
