/**
 * The worker side of the BullMQ executor: takes tries from the queues of its pools and runs them with the
 * task handler (the engine's task runner), one BullMQ attempt per try.
 *
 * Why the settings are what they are:
 * - `maxStalledCount: 0`: a job whose worker died (lock expired) fails in BullMQ instead of being re-run; the
 *   scheduler notices the dead try from its stale heartbeat in the metadata DB and retries it as a NEW try,
 *   whose writes the engine fences against the old one. BullMQ never runs one try twice on its own.
 * - The lock is renewed by BullMQ every `lockDurationMs / 2` while the handler runs, however long it takes.
 *   Losing the Redis lock (a Redis restart) does not abort the handler: the lease that counts is the one in
 *   the metadata DB.
 * - `close(deadline)` stops fetching, lets running tries finish until the deadline, then aborts them with a
 *   `WorkerShutdownError` so the task runner records them as handed back.
 */
import { type Job, Worker } from 'bullmq';
import { WorkerShutdownError } from '../../../core/errors/worker-shutdown-error.ts';
import type { TaskHandler, TaskSettled } from '../../../ports/executor.ts';
import type { Logger } from '../../../ports/logger.ts';
import { type BullmqSettings, redisOptions } from './bullmq-config.ts';
import { connectionErrorLog, silentLogger } from './connection-error-log.ts';
import { fromJobData, settledOf } from './dispatch-job-data.ts';

export interface BullmqWorkerOptions {
  /** Runs one try; must be idempotent per `dispatchId` (a try whose state is not `queued` is a no-op). */
  readonly handler: TaskHandler;
  /** Pools (= queue names) this worker takes tries from. */
  readonly queues: readonly string[];
  /** Tries run at once from each queue by this process. */
  readonly concurrency: number;
  /** Shown in BullMQ (and bull-board) as the worker that processed a job. */
  readonly name?: string;
  readonly logger?: Logger;
  /** After the shutdown deadline aborted the handlers, how long to wait for them to return (default 5 s). */
  readonly abortGraceMs?: number;
}

interface RunningTry {
  readonly dispatchId: string;
  readonly controller: AbortController;
}

/** Takes tries from BullMQ and runs them. Create with `startBullmqWorker`. */
export class BullmqWorker {
  readonly #workers: Worker[];
  readonly #running = new Map<string, RunningTry>();
  readonly #logger: Logger;
  readonly #abortGraceMs: number;
  #closing: Promise<void> | undefined;

  constructor(settings: BullmqSettings, options: BullmqWorkerOptions) {
    if (options.queues.length === 0) throw new Error('a BullMQ worker needs at least one queue');
    this.#logger = options.logger ?? silentLogger;
    this.#abortGraceMs = options.abortGraceMs ?? 5_000;
    const onError = connectionErrorLog(this.#logger, 'bullmq worker');
    this.#workers = [...new Set(options.queues)].map((queue) => {
      const worker = new Worker(queue, (job: Job) => this.#process(options.handler, job), {
        connection: redisOptions(settings, `worker:${queue}`),
        prefix: settings.prefix,
        concurrency: options.concurrency,
        ...(options.name ? { name: options.name } : {}),
        lockDuration: settings.lockDurationMs,
        stalledInterval: settings.stalledIntervalMs,
        maxStalledCount: 0,
        removeOnComplete: { age: settings.keepCompleted.ageSeconds, count: settings.keepCompleted.count },
        removeOnFail: { age: settings.keepFailed.ageSeconds, count: settings.keepFailed.count },
        autorun: true,
      });
      worker.on('error', onError);
      worker.on('failed', (job, error) => {
        this.#logger.warn('bullmq job failed', { queue, jobId: job?.id, error: error.message });
      });
      return worker;
    });
  }

  /** Tries this process is running now. */
  get activeCount(): number {
    return this.#running.size;
  }

  /** Dispatch ids of the tries this process is running now (for heartbeats and logs). */
  activeDispatchIds(): string[] {
    return [...this.#running.values()].map((r) => r.dispatchId);
  }

  /** Resolve once every queue's connection is ready (tests; the CLI logs "ready" after it). */
  async waitUntilReady(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.waitUntilReady()));
  }

  /**
   * Stop taking tries; wait for running ones up to `deadlineMs`, then abort them (reason: a
   * `WorkerShutdownError`) and give them `abortGraceMs` to return. Idempotent.
   */
  close(deadlineMs = 30_000): Promise<void> {
    this.#closing ??= this.#close(deadlineMs);
    return this.#closing;
  }

  async #close(deadlineMs: number): Promise<void> {
    // BullMQ's close stops fetching at once, then waits for the running handlers.
    const closed = Promise.allSettled(this.#workers.map((w) => w.close())).then(() => true);
    if (await within(closed, deadlineMs)) return;
    const reason = new WorkerShutdownError(
      `worker shut down before the try finished (deadline ${deadlineMs} ms); the scheduler retries it`,
    );
    for (const run of this.#running.values()) run.controller.abort(reason);
    if (await within(closed, this.#abortGraceMs)) return;
    this.#logger.error('tries ignored the shutdown abort; dropping their connections', {
      dispatchIds: this.activeDispatchIds(),
    });
    await Promise.allSettled(this.#workers.map((w) => w.disconnect()));
  }

  async #process(handler: TaskHandler, job: Job): Promise<TaskSettled> {
    const dispatch = fromJobData(job.id, job.data);
    const controller = new AbortController();
    const key = job.id ?? dispatch.dispatchId;
    this.#running.set(key, { dispatchId: dispatch.dispatchId, controller });
    try {
      await handler(dispatch, controller.signal);
      return settledOf(dispatch);
    } finally {
      this.#running.delete(key);
    }
  }
}

/**
 * Start a worker on the given pools and wait until it is connected.
 *
 * @example const worker = await startBullmqWorker(settings, { handler, queues: ['default'], concurrency: 4 })
 */
export async function startBullmqWorker(
  settings: BullmqSettings,
  options: BullmqWorkerOptions,
): Promise<BullmqWorker> {
  const worker = new BullmqWorker(settings, options);
  await worker.waitUntilReady();
  return worker;
}

/** True if `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
