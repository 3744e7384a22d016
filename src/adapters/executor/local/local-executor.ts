/**
 * The local executor: runs tries in this process with the task runner, at most `concurrency` at once.
 * Dispatching a dispatch id it holds, or one whose try settled (the last `rememberSettled` of them), is a
 * no-op. Pending tries are not persisted: after a crash they are still `queued` in the metadata DB and the
 * next scheduler re-dispatches them.
 */
import { WorkerShutdownError } from '../../../core/errors/worker-shutdown-error.ts';
import type { Clock } from '../../../ports/clock.ts';
import type { Executor, TaskDispatch, TaskHandler, TaskSettled } from '../../../ports/executor.ts';
import type { Logger } from '../../../ports/logger.ts';

export interface LocalExecutorOptions {
  readonly handler: TaskHandler;
  /** Tries running at once (default 4). */
  readonly concurrency?: number;
  /** For `notBefore` delays. */
  readonly clock: Clock;
  readonly logger?: Logger;
  /** After the close deadline aborted running tries, how long to wait for them (default 5 s). */
  readonly abortGraceMs?: number;
  /** How many settled dispatch ids are remembered so a re-dispatch of them is a no-op (default 10,000). */
  readonly rememberSettled?: number;
}

interface Running {
  readonly task: TaskDispatch;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/** In-process executor. Create with `createLocalExecutor`. */
export class LocalExecutor implements Executor {
  readonly kind = 'local' as const;
  readonly #handler: TaskHandler;
  readonly #concurrency: number;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #abortGraceMs: number;
  readonly #pending: TaskDispatch[] = [];
  readonly #known = new Set<string>();
  /** Dispatch ids whose try settled, oldest first (a Set keeps insertion order: a small LRU). */
  readonly #settled = new Set<string>();
  readonly #rememberSettled: number;
  readonly #running = new Map<string, Running>();
  readonly #listeners = new Set<(event: TaskSettled) => void>();
  readonly #delays = new AbortController();
  #closed = false;

  constructor(options: LocalExecutorOptions) {
    this.#handler = options.handler;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#abortGraceMs = options.abortGraceMs ?? 5_000;
    this.#rememberSettled = Math.max(0, options.rememberSettled ?? 10_000);
  }

  async dispatch(task: TaskDispatch): Promise<void> {
    if (this.#closed || this.#known.has(task.dispatchId) || this.#settled.has(task.dispatchId)) return;
    this.#known.add(task.dispatchId);
    const wait = task.notBefore ? task.notBefore.getTime() - this.#clock.now().getTime() : 0;
    if (wait > 0) {
      void this.#clock.sleep(wait, this.#delays.signal).then(() => this.#enqueue(task));
      return;
    }
    this.#enqueue(task);
  }

  #enqueue(task: TaskDispatch): void {
    if (this.#closed) return;
    this.#pending.push(task);
    this.#pump();
  }

  #pump(): void {
    while (!this.#closed && this.#running.size < this.#concurrency && this.#pending.length > 0) {
      const task = this.#pending.shift()!;
      const controller = new AbortController();
      const done = this.#run(task, controller);
      this.#running.set(task.dispatchId, { task, controller, done });
    }
  }

  async #run(task: TaskDispatch, controller: AbortController): Promise<void> {
    // Start on the next turn of the event loop: dispatch() returns first (the caller is the scheduler's
    // tick), and I/O such as the web API is never starved by a stream of in-memory tries.
    await new Promise((resolve) => setImmediate(resolve));
    let completed = false;
    try {
      await this.#handler(task, controller.signal);
      completed = true;
    } catch (error) {
      this.#logger?.error('task handler failed', {
        dispatchId: task.dispatchId,
        error: (error as Error).message,
      });
    } finally {
      this.#running.delete(task.dispatchId);
      this.#known.delete(task.dispatchId);
      // A handler that threw could not record the try (the metadata DB was unreachable): it may still be
      // `queued`, so it stays dispatchable for the lost-dispatch sweep; the task runner's claim fences it.
      if (completed) this.#remember(task.dispatchId);
      const event: TaskSettled = {
        dispatchId: task.dispatchId,
        runId: task.runId,
        taskId: task.taskId,
        tryNumber: task.tryNumber,
      };
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.#logger?.error('onSettled listener failed', { error: (error as Error).message });
        }
      }
      this.#pump();
    }
  }

  #remember(dispatchId: string): void {
    if (this.#rememberSettled === 0) return;
    this.#settled.delete(dispatchId);
    this.#settled.add(dispatchId);
    while (this.#settled.size > this.#rememberSettled) {
      this.#settled.delete(this.#settled.values().next().value!);
    }
  }

  onSettled(listener: (event: TaskSettled) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async inFlight(): Promise<number> {
    return this.#known.size;
  }

  async close(deadlineMs = 30_000): Promise<void> {
    if (this.#closed) return this.#drain(deadlineMs);
    this.#closed = true;
    this.#delays.abort();
    // Pending tries stay `queued` in the metadata DB; the next scheduler re-dispatches them.
    for (const t of this.#pending.splice(0)) this.#known.delete(t.dispatchId);
    return this.#drain(deadlineMs);
  }

  async #drain(deadlineMs: number): Promise<void> {
    const all = () => Promise.allSettled([...this.#running.values()].map((r) => r.done));
    if (this.#running.size === 0) return;
    if (await within(all(), deadlineMs)) return;
    const reason = new WorkerShutdownError(
      `executor closed before the try finished (deadline ${deadlineMs} ms); the scheduler retries it`,
    );
    for (const r of this.#running.values()) r.controller.abort(reason);
    await within(all(), this.#abortGraceMs);
  }
}

/**
 * Build a local executor.
 *
 * @example const executor = createLocalExecutor({ handler: runner.handle, concurrency: 4, clock: systemClock })
 */
export function createLocalExecutor(options: LocalExecutorOptions): LocalExecutor {
  return new LocalExecutor(options);
}

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
