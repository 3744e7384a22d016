/**
 * The `bullmq` executor (scheduler side): one BullMQ queue per pool, keys `<prefix>:<pool>:...`, one job per
 * try with the try's `dispatchId` as job id. Adding a job whose id exists is a no-op in BullMQ, so a
 * re-dispatch never runs a try twice; retries are new tries (new ids) decided by the scheduler, so every job
 * has exactly one attempt. Settle events come from BullMQ's event stream (QueueEvents, a blocking XREAD),
 * which wakes the scheduler within milliseconds of a worker finishing.
 *
 * Redis outages: `dispatch` keeps every try it handed over until its job settles; when the connection comes
 * back it re-adds those whose job Redis no longer has (a restart without persistence), which is safe
 * because the job id dedups and the task runner ignores a try that is no longer `queued`.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { SluiceError } from '../../../core/errors/sluice-error.ts';
import type { Clock } from '../../../ports/clock.ts';
import type { Executor, TaskDispatch, TaskHandler, TaskSettled } from '../../../ports/executor.ts';
import type { Logger } from '../../../ports/logger.ts';
import { type BullmqSettings, redisOptions } from './bullmq-config.ts';
import { type BullmqWorker, startBullmqWorker } from './bullmq-worker.ts';
import { connectionErrorLog, silentLogger } from './connection-error-log.ts';
import { asSettled, fromJobData, toJobData } from './dispatch-job-data.ts';

export interface BullmqExecutorOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Also run tries in this process (tests, or a single-machine setup on Redis): a worker on every pool of
   * `settings.pools`, closed by `close()` with its deadline.
   */
  readonly inProcessWorker?: { readonly handler: TaskHandler; readonly concurrency: number };
}

interface PoolChannel {
  readonly queue: Queue;
  readonly events: QueueEvents;
}

const systemClock: Pick<Clock, 'now'> = { now: () => new Date() };

/** Hands tries to BullMQ. Create with `openBullmqExecutor`. */
export class BullmqExecutor implements Executor {
  readonly kind = 'bullmq' as const;
  readonly #settings: BullmqSettings;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #logger: Logger;
  readonly #client: Redis;
  readonly #pools = new Map<string, Promise<PoolChannel>>();
  readonly #listeners = new Set<(event: TaskSettled) => void>();
  /** Tries handed over and not yet seen settling: re-added after Redis lost them. */
  readonly #pending = new Map<string, TaskDispatch>();
  readonly #onError: (error: Error) => void;
  #worker: BullmqWorker | undefined;
  #connectedOnce = false;
  #closed = false;

  constructor(settings: BullmqSettings, options: BullmqExecutorOptions = {}) {
    this.#settings = settings;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#onError = connectionErrorLog(this.#logger, 'bullmq executor');
    const { url, ...connection } = redisOptions(settings, 'executor');
    this.#client = new Redis(url, connection as RedisOptions);
    this.#client.on('error', this.#onError);
    this.#client.on('ready', () => {
      if (this.#connectedOnce) void this.#redeliver();
      this.#connectedOnce = true;
    });
  }

  /** Connect, listen on the configured pools and start the in-process worker if any. */
  async start(inProcessWorker?: BullmqExecutorOptions['inProcessWorker']): Promise<void> {
    await Promise.all(this.#settings.pools.map((pool) => this.#channel(pool)));
    if (inProcessWorker) {
      this.#worker = await startBullmqWorker(this.#settings, {
        handler: inProcessWorker.handler,
        concurrency: inProcessWorker.concurrency,
        queues: this.#settings.pools,
        logger: this.#logger,
      });
    }
  }

  async dispatch(task: TaskDispatch): Promise<void> {
    if (this.#closed)
      throw new SluiceError('E_EXECUTOR_CLOSED', `cannot dispatch ${task.dispatchId}: executor closed`);
    if (task.dispatchId.includes(':') || /^\d+$/.test(task.dispatchId)) {
      throw new SluiceError(
        'E_BAD_DISPATCH',
        `dispatch id ${JSON.stringify(task.dispatchId)} cannot be a BullMQ job id (no ':' and not all digits)`,
      );
    }
    this.#pending.set(task.dispatchId, task);
    const added = this.#add(task);
    // During a Redis outage the add stays queued in ioredis and the try stays pending; the scheduler goes on.
    const outcome = await raceTimeout(
      added.then(
        () => 'added' as const,
        (error: unknown) => error as Error,
      ),
      this.#settings.dispatchWaitMs,
      'waiting' as const,
    );
    if (outcome instanceof Error) {
      this.#pending.delete(task.dispatchId);
      throw outcome;
    }
    if (outcome === 'waiting') {
      this.#logger.warn('Redis unavailable: dispatch kept for delivery on reconnect', {
        dispatchId: task.dispatchId,
      });
      added.catch((error: Error) => this.#onError(error));
    }
  }

  onSettled(listener: (event: TaskSettled) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async inFlight(): Promise<number> {
    const channels = await Promise.all(this.#pools.values());
    const counts = await Promise.all(
      channels.map((c) =>
        c.queue.getJobCounts('active', 'wait', 'delayed', 'prioritized', 'waiting-children'),
      ),
    );
    return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }

  async close(deadlineMs = 30_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#worker?.close(deadlineMs);
    const channels = await Promise.allSettled(this.#pools.values());
    await Promise.allSettled(
      channels.flatMap((c) =>
        c.status === 'fulfilled' ? [c.value.events.close(), c.value.queue.close()] : [],
      ),
    );
    this.#listeners.clear();
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #add(task: TaskDispatch): Promise<unknown> {
    const delayMs = task.notBefore ? Math.max(0, task.notBefore.getTime() - this.#clock.now().getTime()) : 0;
    return this.#channel(task.pool).then(async ({ queue }) => {
      // A job whose handler threw stays in the failed set under the try's id, and BullMQ ignores an add with
      // an id it holds: a redelivery (the try is still queued) takes the failed job out first. Only then, so
      // that the common dispatch costs no extra round trip.
      if (task.redelivery && (await queue.getJobState(task.dispatchId)) === 'failed') {
        this.#logger.warn('a redelivered try failed before it was recorded; adding it again', {
          dispatchId: task.dispatchId,
        });
        await queue.remove(task.dispatchId);
      }
      return queue.add(task.taskId, toJobData(task), {
        jobId: task.dispatchId,
        attempts: 1,
        ...(delayMs > 0 ? { delay: delayMs } : {}),
        removeOnComplete: {
          age: this.#settings.keepCompleted.ageSeconds,
          count: this.#settings.keepCompleted.count,
        },
        removeOnFail: { age: this.#settings.keepFailed.ageSeconds, count: this.#settings.keepFailed.count },
      });
    });
  }

  /** The queue and event listener of a pool, created on first use. */
  #channel(pool: string): Promise<PoolChannel> {
    let channel = this.#pools.get(pool);
    if (!channel) {
      channel = this.#openChannel(pool);
      this.#pools.set(pool, channel);
      channel.catch(() => this.#pools.delete(pool));
    }
    return channel;
  }

  async #openChannel(pool: string): Promise<PoolChannel> {
    const queue = new Queue(pool, { connection: this.#client, prefix: this.#settings.prefix });
    queue.on('error', this.#onError);
    // Start reading the event stream right after its current last entry, so no settle event that happens
    // after this point is missed (BullMQ's default '$' would skip events until its first blocking read).
    const last = (
      await this.#client.xrevrange(`${this.#settings.prefix}:${pool}:events`, '+', '-', 'COUNT', 1)
    )[0];
    const events = new QueueEvents(pool, {
      connection: redisOptions(this.#settings, `events:${pool}`),
      prefix: this.#settings.prefix,
      lastEventId: last?.[0] ?? '0-0',
    });
    events.on('error', this.#onError);
    events.on('completed', ({ jobId, returnvalue }) => {
      this.#settle(jobId, asSettled(returnvalue), queue);
    });
    events.on('failed', ({ jobId }) => {
      this.#settle(jobId, undefined, queue);
    });
    await events.waitUntilReady();
    return { queue, events };
  }

  #settle(jobId: string, known: TaskSettled | undefined, queue: Queue): void {
    const pending = this.#pending.get(jobId);
    this.#pending.delete(jobId);
    const fromPending = pending && {
      dispatchId: pending.dispatchId,
      runId: pending.runId,
      taskId: pending.taskId,
      tryNumber: pending.tryNumber,
    };
    const event = known ?? fromPending;
    if (event) {
      this.#emit(event);
      return;
    }
    // Dispatched by another scheduler and failed: read the identity from the job, if Redis still has it.
    void queue
      .getJob(jobId)
      .then((job) => {
        if (job) this.#emit(fromJobData(job.id, job.data));
      })
      .catch((error: Error) => this.#onError(error));
  }

  #emit(event: TaskSettled): void {
    const settled = {
      dispatchId: event.dispatchId,
      runId: event.runId,
      taskId: event.taskId,
      tryNumber: event.tryNumber,
    };
    for (const listener of this.#listeners) {
      try {
        listener(settled);
      } catch (error) {
        this.#logger.error('onSettled listener threw', { error: (error as Error).message });
      }
    }
  }

  /** After a reconnect: re-add every pending try whose job Redis no longer knows (idempotent by job id). */
  async #redeliver(): Promise<void> {
    for (const task of [...this.#pending.values()]) {
      if (this.#closed) return;
      try {
        const { queue } = await this.#channel(task.pool);
        const state = await queue.getJobState(task.dispatchId);
        if (state === 'completed' || state === 'failed') this.#pending.delete(task.dispatchId);
        else if (state === 'unknown') {
          this.#logger.warn('Redis lost a dispatched try; adding it again', { dispatchId: task.dispatchId });
          await this.#add(task);
        }
      } catch (error) {
        this.#onError(error as Error);
        return; // the next 'ready' tries again
      }
    }
  }
}

/**
 * Open the BullMQ executor and start listening for settle events (and the in-process worker, if asked).
 *
 * @example const executor = await openBullmqExecutor(bullmqSettingsFrom(config), { logger })
 */
export async function openBullmqExecutor(
  settings: BullmqSettings,
  options: BullmqExecutorOptions = {},
): Promise<BullmqExecutor> {
  const executor = new BullmqExecutor(settings, options);
  try {
    await executor.start(options.inProcessWorker);
  } catch (error) {
    await executor.close(0);
    throw error;
  }
  return executor;
}

/** `promise`'s value, or `onTimeout` if it takes longer than `ms` (the timer is cleared either way). */
async function raceTimeout<T, U>(promise: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<U>((resolve) => {
        timer = setTimeout(() => resolve(onTimeout), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
