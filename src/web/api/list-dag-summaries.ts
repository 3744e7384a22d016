/**
 * The DAG list: every DAG with its schedule, flags, its latest runs (for the coloured squares) and when its
 * next scheduled interval becomes due. A fixed number of queries per DAG, whatever the number of runs.
 */
import { nextDueAt } from '../../core/data-interval.ts';
import type { DagRecord, DagRun, MetadataStore } from '../../ports/metadata-store.ts';
import { type StoredDagSpec, storedDagSpec } from './stored-dag-spec.ts';

export interface DagSummary {
  readonly dag: DagRecord;
  readonly spec: StoredDagSpec;
  /** Newest first. */
  readonly recentRuns: readonly DagRun[];
  /** Runs queued or running. */
  readonly activeRuns: number;
  /** When the next scheduled interval becomes due; null when paused, inactive, manual-only or ended. */
  readonly nextRunAt: Date | null;
}

/**
 * Summaries of every DAG, ordered by id.
 *
 * @example const dags = await listDagSummaries(store, new Date(), 12)
 */
export async function listDagSummaries(store: MetadataStore, now: Date, recent = 12): Promise<DagSummary[]> {
  const [dags, active] = await Promise.all([store.listDags(), store.countActiveRuns()]);
  const out: DagSummary[] = [];
  for (const dag of dags) out.push(await summarize(store, dag, now, recent, active.get(dag.dagId) ?? 0));
  return out;
}

/** The summary of one DAG, or undefined when it is unknown. */
export async function getDagSummary(
  store: MetadataStore,
  dagId: string,
  now: Date,
  recent = 12,
): Promise<DagSummary | undefined> {
  const dag = await store.getDag(dagId);
  if (!dag) return undefined;
  const active = await store.countActiveRuns();
  return summarize(store, dag, now, recent, active.get(dagId) ?? 0);
}

async function summarize(
  store: MetadataStore,
  dag: DagRecord,
  now: Date,
  recent: number,
  activeRuns: number,
): Promise<DagSummary> {
  const spec = storedDagSpec(dag);
  const recentRuns = await store.listRuns({ dagId: dag.dagId, limit: recent, order: 'desc' });
  return { dag, spec, recentRuns, activeRuns, nextRunAt: nextRunOf(dag, spec, now) };
}

function nextRunOf(dag: DagRecord, spec: StoredDagSpec, now: Date): Date | null {
  if (dag.paused || !dag.active || dag.schedule === null || spec.startDate === null) return null;
  try {
    return nextDueAt({
      schedule: dag.schedule,
      startDate: spec.startDate,
      endDate: spec.endDate,
      lastIntervalEnd: dag.scheduledUntil,
      now,
    });
  } catch {
    return null;
  }
}
