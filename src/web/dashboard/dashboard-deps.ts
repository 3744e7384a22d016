/**
 * What the dashboard needs from the composition root: our ports, never adapters. The warehouse is opened per
 * request and closed after it, because an embedded DuckDB file admits one process at a time.
 */
import type { SluiceConfig } from '../../config/config.ts';
import type { JsonValue } from '../../core/dag/dag-definition.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Executor } from '../../ports/executor.ts';
import type { Logger } from '../../ports/logger.ts';
import type { DagRun, MetadataStore } from '../../ports/metadata-store.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import type { Warehouse } from '../../ports/warehouse.ts';
import type { QueueBoardSource } from '../queues/queue-board-source.ts';

/** State-changing operations the engine may provide itself; the dashboard has port-based defaults. */
export interface RunActions {
  /** Create a manual run (the latest complete interval, or the one starting at `intervalStart`). */
  trigger(dagId: string, options: { intervalStart?: Date; conf?: JsonValue | null }): Promise<DagRun>;
  /** Reset task instances so the scheduler runs them again; returns the task ids reset. */
  clearTasks(runId: string, taskIds: readonly string[]): Promise<string[]>;
  setPaused(dagId: string, paused: boolean): Promise<void>;
}

export interface DashboardDeps {
  readonly store: MetadataStore;
  /** Opens a warehouse session; the dashboard closes it after each request. */
  readonly openWarehouse: () => Promise<Warehouse>;
  /** Opens the bucket for `POST /api/files/skip` (closed after the request); without it that route answers 501. */
  readonly openObjectStore?: () => Promise<ObjectStore>;
  /** The executor in use: its kind picks bull-board or the note page; `inFlight` feeds /metrics when local. */
  readonly executor: Pick<Executor, 'kind'> & Partial<Pick<Executor, 'inFlight'>>;
  readonly config: SluiceConfig;
  readonly clock?: Pick<Clock, 'now'>;
  readonly logger?: Logger;
  /** Overrides of the default run actions (e.g. the engine's own trigger). */
  readonly actions?: Partial<RunActions>;
  /** Called after a trigger, clear or pause, so an in-process scheduler re-evaluates at once. */
  readonly notify?: () => void;
  /**
   * BullMQ queues for bull-board and queue depths; by default opened from `config` with
   * `src/adapters/executor/bullmq/bull-board-queues.ts` when the executor is bullmq.
   */
  readonly queues?: QueueBoardSource;
  /** Warehouse lock retries before answering 503 (default 2 attempts, 250 ms apart). */
  readonly warehouseRetry?: { readonly attempts: number; readonly delayMs: number };
}
