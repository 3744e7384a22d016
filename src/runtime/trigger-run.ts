/**
 * Manual runs: the run for a chosen interval (or the latest complete one), created `queued` for the
 * scheduler, with errors the user can act on.
 */

import type { JsonValue } from '../core/dag/dag-definition.ts';
import type { DagSpec } from '../core/dag/dag-spec.ts';
import { manualInterval } from '../core/data-interval.ts';
import { ConflictError } from '../core/errors/conflict-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { runIdFor } from '../core/ids.ts';
import type { RunType } from '../core/run-state.ts';
import type { DagRun, MetadataStore } from '../ports/metadata-store.ts';
import type { DagSource } from './dag-loader.ts';

export interface TriggerInput {
  readonly dagId: string;
  /** Start of the interval (must be a schedule time); default: the latest complete interval. */
  readonly intervalStart?: Date;
  readonly now: Date;
  readonly runType?: Exclude<RunType, 'scheduled'>;
  readonly backfillId?: string | null;
  readonly conf?: JsonValue | null;
}

/**
 * The loaded spec of a DAG, or a NotFoundError that says what to check.
 *
 * @example const spec = requireDag(dags, 'orders')
 */
export function requireDag(dags: DagSource, dagId: string): DagSpec {
  const spec = dags.get(dagId);
  if (!spec) {
    const known = dags
      .list()
      .map((s) => s.id)
      .join(', ');
    throw new NotFoundError(
      `unknown DAG "${dagId}" (loaded: ${known || 'none'}); check dags/${dagId}.ts with \`sluice dags list\``,
    );
  }
  return spec;
}

/**
 * Create a manual (or backfill) run; ConflictError when that interval already has a run.
 *
 * @example const run = await triggerRun(store, dags, { dagId: 'orders', now: clock.now() })
 */
export async function triggerRun(
  store: MetadataStore,
  dags: DagSource,
  input: TriggerInput,
): Promise<DagRun> {
  const spec = requireDag(dags, input.dagId);
  const interval = manualInterval(spec.schedule, input.now, input.intervalStart);
  const run = await store.createRun(
    {
      dagId: spec.id,
      runType: input.runType ?? 'manual',
      intervalStart: interval.start,
      intervalEnd: interval.end,
      backfillId: input.backfillId ?? null,
      conf: input.conf ?? null,
      tasks: spec.tasks.map((t) => ({ taskId: t.id, pool: t.pool, priority: t.order })),
    },
    input.now,
  );
  if (run) return run;
  const runId = runIdFor(spec.id, interval.start);
  const existing = await store.getRun(runId);
  throw new ConflictError(
    `DAG ${spec.id} already has run ${runId} for ${interval.start.toISOString()} (state ${existing?.state ?? 'unknown'}); ` +
      'pick another --interval-start, or reprocess it with `sluice backfill --reprocess`',
  );
}
