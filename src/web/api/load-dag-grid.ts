/**
 * The grid of one DAG: a page of runs (oldest to newest, left to right) by its tasks, each cell the task
 * instance of that run. Paged by interval start, so a page costs one `listRuns` plus one `listTaskInstances`
 * per run shown, never a scan of the DAG's history.
 */
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import type { DagRecord, DagRun, MetadataStore, TaskInstance } from '../../ports/metadata-store.ts';
import { type StoredDagSpec, storedDagSpec } from './stored-dag-spec.ts';

export interface GridQuery {
  /** Show the runs that start before this instant (the older page). */
  readonly before?: Date;
  /** Show the runs that start after this instant (the newer page). */
  readonly after?: Date;
  readonly limit: number;
}

export interface DagGrid {
  readonly dag: DagRecord;
  readonly spec: StoredDagSpec;
  /** Oldest first. */
  readonly runs: readonly DagRun[];
  /** Task instances by run id, then task id. */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, TaskInstance>>;
  /** Task ids: the spec's, then any that only old runs have. */
  readonly taskIds: readonly string[];
  /** `before` value of the older page, or null when there is none. */
  readonly older: Date | null;
  /** `after` value of the newer page, or null when this is the newest. */
  readonly newer: Date | null;
}

/**
 * Load one page of the grid.
 *
 * @example const grid = await loadDagGrid(store, 'orders', { limit: 25 })
 */
export async function loadDagGrid(store: MetadataStore, dagId: string, query: GridQuery): Promise<DagGrid> {
  const dag = await store.getDag(dagId);
  if (!dag) throw new NotFoundError(`no DAG "${dagId}"; GET /api/dags lists them`);
  const spec = storedDagSpec(dag);
  const { limit } = query;

  let runs: DagRun[];
  let hasOlder: boolean;
  let hasNewer: boolean;
  if (query.after && !query.before) {
    const rows = await store.listRuns({
      dagId,
      intervalFrom: new Date(query.after.getTime() + 1),
      order: 'asc',
      limit: limit + 1,
    });
    hasNewer = rows.length > limit;
    runs = rows.slice(0, limit);
    hasOlder = true;
  } else {
    const rows = await store.listRuns({
      dagId,
      ...(query.before ? { intervalTo: query.before } : {}),
      order: 'desc',
      limit: limit + 1,
    });
    hasOlder = rows.length > limit;
    runs = rows.slice(0, limit).reverse();
    hasNewer = query.before !== undefined;
  }

  const cells = new Map<string, Map<string, TaskInstance>>();
  const extraTasks = new Set<string>();
  const specTasks = new Set(spec.tasks.map((t) => t.id));
  for (const run of runs) {
    const instances = await store.listTaskInstances(run.runId);
    cells.set(run.runId, new Map(instances.map((ti) => [ti.taskId, ti])));
    for (const ti of instances) if (!specTasks.has(ti.taskId)) extraTasks.add(ti.taskId);
  }

  return {
    dag,
    spec,
    runs,
    cells,
    taskIds: [...spec.tasks.map((t) => t.id), ...[...extraTasks].sort()],
    older: hasOlder && runs.length > 0 ? runs[0]!.intervalStart : null,
    newer: hasNewer && runs.length > 0 ? runs.at(-1)!.intervalStart : null,
  };
}
