/**
 * The engine of one process with the local executor: scheduler + in-process task runner + heartbeat.
 * Used by `sluice standalone`, `sluice run` (inline, restricted to one run), tests and the benchmark.
 * A distributed deployment composes the same scheduler with the BullMQ executor instead.
 */
import { createLocalExecutor, type LocalExecutor } from '../adapters/executor/local/local-executor.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { DagSource } from './dag-loader.ts';
import type { JobSource } from './job-loader.ts';
import { Scheduler, type SchedulerEvents, type SchedulerOptions } from './scheduler.ts';
import { createTaskRunner, type TaskRunner, type TryResources } from './task-runner.ts';
import { newWorkerId, startWorkerHeartbeat, type WorkerHeartbeat } from './worker-heartbeat.ts';

export interface LocalEngineOptions {
  readonly store: MetadataStore;
  readonly dags: DagSource;
  readonly jobs: JobSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly resources: TryResources;
  /** Tries at once (default 4). */
  readonly concurrency?: number;
  /** Scheduler settings beyond the shared ones (mode, intervals). */
  readonly scheduler?: Omit<SchedulerOptions, 'store' | 'executor' | 'dags' | 'clock' | 'logger'>;
  readonly events?: SchedulerEvents;
  readonly workerId?: string;
  /** How often this process records that it is alive (default 5 s). */
  readonly heartbeatIntervalMs?: number;
  /** Worker silence after which its tries are zombies (default 60 s; `scheduler` may override it). */
  readonly zombieThresholdMs?: number;
}

export interface LocalEngine {
  readonly scheduler: Scheduler;
  readonly executor: LocalExecutor;
  readonly runner: TaskRunner;
  readonly workerId: string;
  start(): Promise<void>;
  /** Stop scheduling, let running tries finish until `deadlineMs`, then abort them (handed back). */
  stop(deadlineMs?: number): Promise<void>;
}

/**
 * Wire a local engine (nothing runs until `start()`).
 *
 * @example const engine = createLocalEngine({ store, dags, jobs, clock, logger, resources }); await engine.start()
 */
export function createLocalEngine(options: LocalEngineOptions): LocalEngine {
  const workerId = options.workerId ?? newWorkerId();
  const runner = createTaskRunner({
    store: options.store,
    dags: options.dags,
    jobs: options.jobs,
    clock: options.clock,
    logger: options.logger,
    workerId,
    resources: options.resources,
  });
  const executor = createLocalExecutor({
    handler: runner.handle,
    concurrency: options.concurrency ?? 4,
    clock: options.clock,
    logger: options.logger,
  });
  const scheduler = new Scheduler(
    {
      ...(options.zombieThresholdMs ? { zombieThresholdMs: options.zombieThresholdMs } : {}),
      ...options.scheduler,
      store: options.store,
      executor,
      dags: options.dags,
      clock: options.clock,
      logger: options.logger,
    },
    options.events,
  );
  let heartbeat: WorkerHeartbeat | undefined;
  return {
    scheduler,
    executor,
    runner,
    workerId,
    async start() {
      heartbeat = await startWorkerHeartbeat({
        store: options.store,
        clock: options.clock,
        logger: options.logger,
        workerId,
        kind: 'local',
        ...(options.heartbeatIntervalMs ? { intervalMs: options.heartbeatIntervalMs } : {}),
      });
      await scheduler.start();
    },
    async stop(deadlineMs = 30_000) {
      await scheduler.stop();
      await executor.close(deadlineMs);
      await heartbeat?.stop();
    },
  };
}
