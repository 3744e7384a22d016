/**
 * One page of DAG runs, newest interval first, with a keyset cursor: each page is one bounded `listRuns`
 * query, however many runs the metadata DB holds. Runs are ordered by (interval start desc, dag id asc); one
 * DAG has at most one run per interval start, so across DAGs at most one row per DAG can share the cursor's
 * interval start, and fetching that many extra rows is enough to resume exactly after the cursor.
 */
import type { RunState, RunType } from '../../core/run-state.ts';
import type { DagRun, MetadataStore } from '../../ports/metadata-store.ts';

export interface RunsPageQuery {
  readonly dagId?: string;
  readonly states?: readonly RunState[];
  readonly runTypes?: readonly RunType[];
  /** The last row of the previous page. */
  readonly cursor?: { readonly intervalStart: Date; readonly dagId: string };
  readonly limit: number;
}

export interface RunsPage {
  readonly runs: readonly DagRun[];
  /** Cursor of the next (older) page, or null at the end. */
  readonly nextCursor: string | null;
}

/** The cursor string that resumes after `run`. */
export function runCursor(run: Pick<DagRun, 'intervalStart' | 'dagId'>): string {
  return `${run.intervalStart.toISOString()}~${run.dagId}`;
}

/**
 * Read one page of runs.
 *
 * @example const page = await listRunsPage(store, { states: ['failed'], limit: 50 })
 */
export async function listRunsPage(store: MetadataStore, query: RunsPageQuery): Promise<RunsPage> {
  const { cursor, limit } = query;
  const base = {
    ...(query.dagId ? { dagId: query.dagId } : {}),
    ...(query.states?.length ? { states: query.states } : {}),
    ...(query.runTypes?.length ? { runTypes: query.runTypes } : {}),
    order: 'desc' as const,
  };
  let rows: DagRun[];
  if (!cursor) {
    rows = await store.listRuns({ ...base, limit: limit + 1 });
  } else if (query.dagId) {
    rows = await store.listRuns({ ...base, intervalTo: cursor.intervalStart, limit: limit + 1 });
  } else {
    const ties = (await store.listDags()).length;
    const at = cursor.intervalStart.getTime();
    rows = (await store.listRuns({ ...base, intervalTo: new Date(at + 1), limit: limit + 1 + ties })).filter(
      (r) => r.intervalStart.getTime() < at || r.dagId > cursor.dagId,
    );
  }
  const runs = rows.slice(0, limit);
  const last = runs.at(-1);
  return { runs, nextCursor: rows.length > limit && last ? runCursor(last) : null };
}
