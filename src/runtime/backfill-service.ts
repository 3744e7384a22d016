/**
 * What operators do with backfills (preview, create, list, follow, cancel), as JSON-ready views. The CLI
 * calls it directly when no server runs and through the HTTP API (`/api/backfills`, same interface, see
 * web/backfill-api-client.ts) when one does; the web route serves exactly these. Creating a backfill only writes
 * its record: a scheduler executes it (backfill-executor.ts).
 */

import { parseBackfillDate } from '../core/backfill/backfill-date.ts';
import { backfillIntervals } from '../core/backfill/backfill-intervals.ts';
import type { BackfillCounts } from '../core/backfill/backfill-progress.ts';
import { etaSeconds, runsDone, runsPlanned } from '../core/backfill/backfill-progress.ts';
import { decideInterval, type IntervalDecision } from '../core/backfill/interval-decision.ts';
import { parseReprocessMode, type ReprocessMode } from '../core/backfill/reprocess-mode.ts';
import type { DataInterval } from '../core/data-interval.ts';
import { ConfigError } from '../core/errors/config-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';
import { UsageError } from '../core/errors/usage-error.ts';
import { runIdFor } from '../core/ids.ts';
import type { RunState } from '../core/run-state.ts';
import type { Backfill, BackfillInterval, BackfillStore } from '../ports/backfill-store.ts';
import { backfillsOf } from '../ports/backfill-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { DagRun, MetadataStore } from '../ports/metadata-store.ts';
import { type BackfillPreviewer, previewInterval } from './backfill-preview.ts';

/** The parts of a DAG a backfill needs (a compiled spec, or a stored one on the web server). */
export interface BackfillDag {
  readonly id: string;
  readonly schedule: string | null;
  readonly startDate: Date;
  readonly endDate: Date | null;
  readonly tasks: readonly { readonly id: string; readonly job: string }[];
}

export interface BackfillDagLookup {
  get(dagId: string): Promise<BackfillDag | undefined> | BackfillDag | undefined;
  /** Known DAG ids, for the "unknown DAG" message. */
  ids(): Promise<readonly string[]> | readonly string[];
}

/** A backfill request as the CLI flags and the API body give it (strings, validated here). */
export interface BackfillRequest {
  readonly dagId: string;
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  readonly reprocess?: string;
  readonly maxActiveRuns?: number;
  /** Confirms a range of more than 10,000 intervals. */
  readonly yes?: boolean;
}

export const DEFAULT_BACKFILL_MAX_ACTIVE_RUNS = 2;
export const MAX_BACKFILL_MAX_ACTIVE_RUNS = 64;
/** Intervals a dry run describes in detail (files, bytes); the counts always cover all of them. */
const PREVIEW_DETAIL_LIMIT = 2_000;

export interface PlanItem {
  readonly intervalStart: string;
  readonly intervalEnd: string;
  readonly runId: string;
  /** What the backfill would do now. */
  readonly action: IntervalDecision['action'];
  /** State of the interval's run now (null: none). */
  readonly existing: RunState | null;
  readonly reason: string | null;
  /** What the run would read, when the pipeline's inputs are known (see backfill-preview.ts). */
  readonly files: {
    readonly count: number;
    readonly bytes: number;
    readonly objects: readonly string[];
  } | null;
  /** Bytes a warehouse dry run reports for the run's statements (BigQuery), else null. */
  readonly bytesProcessed: number | null;
}

export interface BackfillPlan {
  readonly dagId: string;
  readonly from: string;
  readonly to: string;
  readonly reprocess: ReprocessMode;
  readonly maxActiveRuns: number;
  /** Intervals covered. */
  readonly intervals: number;
  readonly create: number;
  readonly clear: number;
  readonly skip: number;
  readonly wait: number;
  /** The tasks each run executes, in order. */
  readonly tasks: readonly string[];
  /** Why the covered range is narrower than asked, and what the detail covers. */
  readonly notes: readonly string[];
  /** One per interval (dry run only; details for the first 2,000). */
  readonly items?: readonly PlanItem[];
}

export interface BackfillView {
  readonly backfillId: string;
  readonly dagId: string;
  readonly from: string;
  readonly to: string;
  readonly reprocess: ReprocessMode;
  readonly maxActiveRuns: number;
  readonly state: Backfill['state'];
  readonly totalIntervals: number;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly cancelledAt: string | null;
  readonly counts: BackfillCounts;
  /** Runs the backfill makes (intervals not skipped or cancelled). */
  readonly runsPlanned: number;
  /** Of those, finished (success or failed). */
  readonly runsDone: number;
  /** Seconds left at the pace so far (null before the first run finished, or when settled). */
  readonly etaSeconds: number | null;
}

export interface BackfillIntervalView {
  readonly intervalStart: string;
  readonly intervalEnd: string;
  readonly runId: string;
  readonly state: BackfillInterval['state'];
  readonly action: BackfillInterval['action'];
  readonly priorState: RunState | null;
  readonly reason: string | null;
  /** State of the interval's run now (null: none). */
  readonly runState: RunState | null;
}

export interface BackfillDetail extends BackfillView {
  readonly intervals?: readonly BackfillIntervalView[];
}

export interface CreatedBackfill {
  readonly backfill: BackfillView;
  readonly plan: BackfillPlan;
}

/** The operations, implemented here on the stores and by `BackfillApiClient` over HTTP. */
export interface BackfillOperations {
  /** What a backfill would do now; creates nothing. */
  plan(request: BackfillRequest): Promise<BackfillPlan>;
  create(request: BackfillRequest): Promise<CreatedBackfill>;
  list(filter?: { readonly dagId?: string; readonly limit?: number }): Promise<BackfillView[]>;
  status(backfillId: string, options?: { readonly intervals?: boolean }): Promise<BackfillDetail>;
  cancel(backfillId: string): Promise<BackfillView>;
}

export interface BackfillServiceDeps {
  readonly store: MetadataStore;
  readonly dags: BackfillDagLookup;
  readonly clock: Pick<Clock, 'now'>;
  /** Wakes a co-located scheduler after a create or cancel. */
  readonly onChange?: () => void;
  /** Bytes estimates for dry runs (BigQuery); absent or returning null elsewhere. */
  readonly previewer?: BackfillPreviewer;
}

/**
 * Backfill operations on a metadata store that keeps backfill records.
 *
 * @example const ops = createBackfillService({ store, dags: dagLookup(loaded), clock: systemClock })
 */
export function createBackfillService(deps: BackfillServiceDeps): BackfillOperations {
  const { store, clock } = deps;

  function records(): BackfillStore {
    const b = backfillsOf(store);
    if (!b) throw new ConfigError('this metadata store keeps no backfill records; run `sluice init` first');
    return b;
  }

  async function resolve(request: BackfillRequest) {
    const dagId = String(request.dagId ?? '');
    const dag = await deps.dags.get(dagId);
    if (!dag) {
      const known = await deps.dags.ids();
      throw new NotFoundError(
        `unknown DAG "${dagId}" (loaded: ${known.join(', ') || 'none'}); check dags/${dagId}.ts with \`sluice dags list\``,
      );
    }
    const from = parseBackfillDate(request.from, '--from');
    const to = parseBackfillDate(request.to, '--to');
    const reprocess = parseReprocessMode(request.reprocess ?? 'missing');
    const maxActiveRuns = request.maxActiveRuns ?? DEFAULT_BACKFILL_MAX_ACTIVE_RUNS;
    if (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1 || maxActiveRuns > MAX_BACKFILL_MAX_ACTIVE_RUNS)
      throw new UsageError(
        `--max-active-runs ${request.maxActiveRuns}: give a whole number from 1 to ${MAX_BACKFILL_MAX_ACTIVE_RUNS}`,
      );
    const { intervals, notes } = backfillIntervals({
      dagId: dag.id,
      schedule: dag.schedule,
      startDate: dag.startDate,
      endDate: dag.endDate,
      from,
      to,
      now: clock.now(),
      confirmed: request.yes === true,
    });
    const existing = await existingRuns(store, dag.id, intervals);
    const decisions = intervals.map((iv) => decideInterval(reprocess, existing.get(iv.start.getTime())));
    const count = (a: IntervalDecision['action']) => decisions.filter((d) => d.action === a).length;
    const plan: BackfillPlan = {
      dagId: dag.id,
      from: from.toISOString(),
      to: to.toISOString(),
      reprocess,
      maxActiveRuns,
      intervals: intervals.length,
      create: count('create'),
      clear: count('clear'),
      skip: count('skip'),
      wait: count('wait'),
      tasks: dag.tasks.map((t) => t.id),
      notes,
    };
    return { dag, from, to, reprocess, maxActiveRuns, intervals, existing, decisions, plan };
  }

  async function view(b: Backfill): Promise<BackfillView> {
    const counts = await records().counts(b.backfillId);
    const settled = b.completedAt !== null;
    return {
      backfillId: b.backfillId,
      dagId: b.dagId,
      from: b.from.toISOString(),
      to: b.to.toISOString(),
      reprocess: b.reprocess,
      maxActiveRuns: b.maxActiveRuns,
      state: b.state,
      totalIntervals: b.totalIntervals,
      createdAt: b.createdAt.toISOString(),
      completedAt: b.completedAt?.toISOString() ?? null,
      cancelledAt: b.cancelledAt?.toISOString() ?? null,
      counts,
      runsPlanned: runsPlanned(counts),
      runsDone: runsDone(counts),
      etaSeconds: settled ? null : etaSeconds(counts, clock.now().getTime() - b.createdAt.getTime()),
    };
  }

  async function requireBackfill(backfillId: string): Promise<Backfill> {
    const b = await records().get(backfillId);
    if (!b)
      throw new NotFoundError(`unknown backfill "${backfillId}"; list them with \`sluice backfill list\``);
    return b;
  }

  return {
    async plan(request) {
      const r = await resolve(request);
      const items: PlanItem[] = [];
      const notes = [...r.plan.notes];
      if (r.intervals.length > PREVIEW_DETAIL_LIMIT)
        notes.push(
          `files and bytes are shown for the first ${PREVIEW_DETAIL_LIMIT.toLocaleString('en-US')} intervals`,
        );
      for (const [i, interval] of r.intervals.entries()) {
        const decision = r.decisions[i]!;
        const runId = runIdFor(r.dag.id, interval.start);
        const runs = decision.action === 'create' || decision.action === 'clear';
        const detail =
          runs && i < PREVIEW_DETAIL_LIMIT
            ? await previewInterval({
                store,
                dag: r.dag,
                interval,
                runId,
                ...(deps.previewer ? { previewer: deps.previewer } : {}),
              })
            : { files: null, bytesProcessed: null };
        items.push({
          intervalStart: interval.start.toISOString(),
          intervalEnd: interval.end.toISOString(),
          runId,
          action: decision.action,
          existing: r.existing.get(interval.start.getTime())?.state ?? null,
          reason: decision.action === 'skip' || decision.action === 'wait' ? decision.reason : null,
          files: detail.files,
          bytesProcessed: detail.bytesProcessed,
        });
      }
      notes.push(...(deps.previewer?.notes?.() ?? []));
      return { ...r.plan, notes, items };
    },

    async create(request) {
      const r = await resolve(request);
      const backfill = await records().create(
        {
          dagId: r.dag.id,
          from: r.from,
          to: r.to,
          reprocess: r.reprocess,
          maxActiveRuns: r.maxActiveRuns,
          intervals: r.intervals.map((iv) => ({ ...iv, runId: runIdFor(r.dag.id, iv.start) })),
        },
        clock.now(),
      );
      deps.onChange?.();
      return { backfill: await view(backfill), plan: r.plan };
    },

    async list(filter = {}) {
      const all = await records().list({
        ...(filter.dagId ? { dagId: filter.dagId } : {}),
        limit: filter.limit ?? 50,
      });
      const out: BackfillView[] = [];
      for (const b of all) out.push(await view(b));
      return out;
    },

    async status(backfillId, options = {}) {
      const b = await requireBackfill(backfillId);
      const base = await view(b);
      if (!options.intervals) return base;
      const intervals = await records().listIntervals(backfillId, { limit: 100_000 });
      const runs = await existingRuns(
        store,
        b.dagId,
        intervals.map((i) => ({ start: i.intervalStart, end: i.intervalEnd })),
      );
      return {
        ...base,
        intervals: intervals.map((i) => ({
          intervalStart: i.intervalStart.toISOString(),
          intervalEnd: i.intervalEnd.toISOString(),
          runId: i.runId,
          state: i.state,
          action: i.action,
          priorState: i.priorState,
          reason: i.reason,
          runState: runs.get(i.intervalStart.getTime())?.state ?? null,
        })),
      };
    },

    async cancel(backfillId) {
      await requireBackfill(backfillId);
      const b = await records().cancel(backfillId, clock.now());
      deps.onChange?.();
      return view(b ?? (await requireBackfill(backfillId)));
    },
  };
}

/** The runs a DAG has for these intervals now, by interval start (ms). */
async function existingRuns(
  store: MetadataStore,
  dagId: string,
  intervals: readonly DataInterval[],
): Promise<Map<number, DagRun>> {
  if (intervals.length === 0) return new Map();
  const first = intervals[0]!.start;
  const last = intervals[intervals.length - 1]!.start;
  const runs = await store.listRuns({
    dagId,
    intervalFrom: first,
    intervalTo: new Date(last.getTime() + 1),
    order: 'asc',
    limit: intervals.length + 10_000,
  });
  return new Map(runs.map((r) => [r.intervalStart.getTime(), r]));
}

/**
 * A lookup over compiled DAG specs (the CLI's loaded DAGs).
 *
 * @example createBackfillService({ store, dags: specLookup(loaded), clock })
 */
export function specLookup(source: {
  get(dagId: string): BackfillDag | undefined;
  list(): readonly { readonly id: string }[];
}): BackfillDagLookup {
  return { get: (id) => source.get(id), ids: () => source.list().map((s) => s.id) };
}
