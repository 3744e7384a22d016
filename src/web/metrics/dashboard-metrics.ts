/**
 * Prometheus metrics of a Sluice deployment, computed when scraped (the web process may not be the one running
 * tasks, so it reads the metadata DB instead of counting events):
 * - runs and task instances by state over a recent window (runs whose interval started in the last 24 hours,
 *   at most 1,000 per DAG), and task try durations over the same runs;
 * - active runs and paused flags per DAG, pool slots and occupancy;
 * - queue depths: BullMQ job counts per queue, or the local executor's tries in flight;
 * - from the warehouse: published fact lines and quarantined lines per reason code (read at most once a minute,
 *   and skipped while the embedded warehouse is busy; `sluice_warehouse_scrape_success` says so).
 * Finished runs' task data is cached, so a scrape costs a few queries plus one per run still active.
 */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { isFinished } from '../../core/task-state.ts';
import type { DagRun, MetadataStore, TaskInstance, TaskTry } from '../../ports/metadata-store.ts';
import { renderDashboardSql } from '../api/dashboard-sql.ts';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import type { QueueBoardSource } from '../queues/queue-board-source.ts';

const WINDOW_MS = 24 * 3600 * 1000;
const MAX_RUNS_PER_DAG = 1000;

interface RunDetails {
  readonly key: string;
  readonly instances: readonly TaskInstance[];
  readonly tries: readonly TaskTry[];
}

export interface DashboardMetricsOptions {
  readonly ctx: DashboardContext;
  readonly queues?: QueueBoardSource;
  /** Minimum time between two metadata refreshes (default 5 s). */
  readonly metadataTtlMs?: number;
  /** Minimum time between two warehouse reads (default 60 s). */
  readonly warehouseTtlMs?: number;
}

/** A registry of Sluice metrics, refreshed on scrape. */
export class DashboardMetrics {
  readonly registry = new Registry();
  readonly #o: DashboardMetricsOptions;
  readonly #runs: Gauge<'dag_id' | 'state'>;
  readonly #tasks: Gauge<'dag_id' | 'state'>;
  readonly #durations: Histogram<'dag_id' | 'task_id'>;
  readonly #active: Gauge<'dag_id'>;
  readonly #paused: Gauge<'dag_id'>;
  readonly #poolSlots: Gauge<'pool'>;
  readonly #poolOccupied: Gauge<'pool'>;
  readonly #queueJobs: Gauge<'queue' | 'state'>;
  readonly #inFlight: Gauge;
  readonly #factLines: Gauge;
  readonly #quarantined: Gauge<'reason_code'>;
  readonly #warehouseOk: Gauge;
  readonly #details = new Map<string, RunDetails>();
  #metadataAt = 0;
  #warehouseAt = 0;
  #refreshing: Promise<void> | undefined;

  constructor(options: DashboardMetricsOptions) {
    this.#o = options;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'sluice_web_' });
    this.#runs = new Gauge({
      name: 'sluice_dag_runs',
      help: 'DAG runs whose data interval started in the last 24 hours, by state',
      labelNames: ['dag_id', 'state'],
      registers,
    });
    this.#tasks = new Gauge({
      name: 'sluice_task_instances',
      help: 'Task instances of the runs counted in sluice_dag_runs, by state',
      labelNames: ['dag_id', 'state'],
      registers,
    });
    this.#durations = new Histogram({
      name: 'sluice_task_duration_seconds',
      help: 'Durations of finished task tries of the runs counted in sluice_dag_runs',
      labelNames: ['dag_id', 'task_id'],
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    });
    this.#active = new Gauge({
      name: 'sluice_dag_runs_active',
      help: 'Runs queued or running, per DAG',
      labelNames: ['dag_id'],
      registers,
    });
    this.#paused = new Gauge({
      name: 'sluice_dag_paused',
      help: '1 when the DAG is paused',
      labelNames: ['dag_id'],
      registers,
    });
    this.#poolSlots = new Gauge({
      name: 'sluice_pool_slots',
      help: 'Slots of a pool',
      labelNames: ['pool'],
      registers,
    });
    this.#poolOccupied = new Gauge({
      name: 'sluice_pool_occupied_slots',
      help: 'Task instances queued or running in a pool',
      labelNames: ['pool'],
      registers,
    });
    this.#queueJobs = new Gauge({
      name: 'sluice_queue_jobs',
      help: 'BullMQ jobs per queue (one queue per pool) and state',
      labelNames: ['queue', 'state'],
      registers,
    });
    this.#inFlight = new Gauge({
      name: 'sluice_executor_in_flight',
      help: 'Tries dispatched and not settled, as the executor of this process knows them',
      registers,
    });
    this.#factLines = new Gauge({
      name: 'sluice_published_fact_lines',
      help: 'Order lines published in fact_orders (warehouse)',
      registers,
    });
    this.#quarantined = new Gauge({
      name: 'sluice_quarantined_lines',
      help: 'Order lines in quarantine_orders, by reason code (warehouse)',
      labelNames: ['reason_code'],
      registers,
    });
    this.#warehouseOk = new Gauge({
      name: 'sluice_warehouse_scrape_success',
      help: '1 when the last warehouse read for these metrics succeeded',
      registers,
    });
  }

  /**
   * Refresh what is stale and render the text exposition.
   *
   * @example reply.type(metrics.contentType).send(await metrics.render())
   */
  async render(): Promise<string> {
    const now = this.#o.ctx.clock.now().getTime();
    if (!this.#refreshing && now - this.#metadataAt >= (this.#o.metadataTtlMs ?? 5000)) {
      this.#refreshing = this.#refresh(now).finally(() => {
        this.#refreshing = undefined;
      });
    }
    await this.#refreshing;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async #refresh(now: number): Promise<void> {
    await this.#refreshMetadata(now);
    await this.#refreshQueues();
    if (now - this.#warehouseAt >= (this.#o.warehouseTtlMs ?? 60_000)) await this.#refreshWarehouse(now);
    this.#metadataAt = now;
  }

  async #refreshMetadata(now: number): Promise<void> {
    const store = this.#o.ctx.store;
    const [dags, active, pools] = await Promise.all([
      store.listDags(),
      store.countActiveRuns(),
      store.listPools(),
    ]);
    this.#runs.reset();
    this.#tasks.reset();
    this.#durations.reset();
    this.#active.reset();
    this.#paused.reset();
    this.#poolSlots.reset();
    this.#poolOccupied.reset();
    const seen = new Set<string>();
    for (const dag of dags) {
      this.#active.set({ dag_id: dag.dagId }, active.get(dag.dagId) ?? 0);
      this.#paused.set({ dag_id: dag.dagId }, dag.paused ? 1 : 0);
      const runs = await store.listRuns({
        dagId: dag.dagId,
        intervalFrom: new Date(now - WINDOW_MS),
        limit: MAX_RUNS_PER_DAG,
      });
      for (const run of runs) {
        seen.add(run.runId);
        this.#runs.inc({ dag_id: dag.dagId, state: run.state });
        const details = await this.#runDetails(store, run);
        for (const ti of details.instances) this.#tasks.inc({ dag_id: dag.dagId, state: ti.state });
        for (const t of details.tries)
          if (t.durationMs !== null && t.state !== 'running')
            this.#durations.observe({ dag_id: dag.dagId, task_id: t.taskId }, t.durationMs / 1000);
      }
    }
    for (const runId of this.#details.keys()) if (!seen.has(runId)) this.#details.delete(runId);
    for (const pool of pools) {
      this.#poolSlots.set({ pool: pool.name }, pool.slots);
      this.#poolOccupied.set({ pool: pool.name }, pool.occupied);
    }
  }

  /** Task instances and tries of a run; cached while the run is finished and unchanged. */
  async #runDetails(store: MetadataStore, run: DagRun): Promise<RunDetails> {
    const key = `${run.state}|${run.endedAt?.getTime() ?? ''}`;
    const cached = this.#details.get(run.runId);
    if (cached && cached.key === key) return cached;
    const [instances, tries] = await Promise.all([
      store.listTaskInstances(run.runId),
      store.listTries(run.runId),
    ]);
    const details = { key, instances, tries };
    const settled =
      (run.state === 'success' || run.state === 'failed') && instances.every((ti) => isFinished(ti.state));
    if (settled) this.#details.set(run.runId, details);
    else this.#details.delete(run.runId);
    return details;
  }

  async #refreshQueues(): Promise<void> {
    this.#queueJobs.reset();
    const { queues } = this.#o;
    if (queues) {
      try {
        const counts = await queues.counts();
        for (const [queue, c] of Object.entries(counts))
          for (const [state, n] of Object.entries(c)) this.#queueJobs.set({ queue, state }, n);
      } catch {
        // Redis away: the gauge stays empty rather than failing the scrape.
      }
    }
    const executor = this.#o.ctx.deps.executor;
    if (executor.inFlight) this.#inFlight.set(await executor.inFlight());
  }

  async #refreshWarehouse(now: number): Promise<void> {
    try {
      const rows = await this.#o.ctx.warehouse(
        async (wh) => (await wh.query(renderDashboardSql(wh, 'warehouse_counts'))).rows,
      );
      this.#quarantined.reset();
      for (const row of rows) {
        if (row.metric === 'fact_order_lines') this.#factLines.set(Number(row.value));
        else if (row.metric === 'quarantined_lines')
          this.#quarantined.set({ reason_code: String(row.label) }, Number(row.value));
      }
      this.#warehouseOk.set(1);
      this.#warehouseAt = now;
    } catch {
      // Busy or not initialised: keep the previous values and say the read failed; retry at the next scrape.
      this.#warehouseOk.set(0);
    }
  }
}
