/**
 * Registers this process as a worker and heartbeats while it lives; zombie detection reads the heartbeat.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';

export interface WorkerHeartbeat {
  readonly workerId: string;
  /** Stop heartbeating and mark the worker stopped. */
  stop(): Promise<void>;
}

/**
 * A fresh worker id: `<host>-<pid>-<random>`.
 *
 * @example newWorkerId() // 'build-7-12345-3fa2c1'
 */
export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Register the worker and heartbeat every `intervalMs` of the clock.
 *
 * @example const hb = await startWorkerHeartbeat({ store, clock, logger, workerId, kind: 'local' })
 */
export async function startWorkerHeartbeat(options: {
  readonly store: MetadataStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly workerId: string;
  readonly kind: string;
  readonly intervalMs?: number;
}): Promise<WorkerHeartbeat> {
  const { store, clock, logger, workerId } = options;
  const interval = options.intervalMs ?? 5_000;
  await store.registerWorker(
    { workerId, kind: options.kind, hostname: hostname(), pid: process.pid, startedAt: clock.now() },
    clock.now(),
  );
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(interval, stop.signal);
      if (stop.signal.aborted) break;
      await store.heartbeat(workerId, clock.now()).catch((error: unknown) => {
        logger.warn('worker heartbeat failed', { workerId, error: (error as Error).message });
      });
    }
  })();
  return {
    workerId,
    async stop() {
      stop.abort();
      await loop;
      await store.stopWorker(workerId, clock.now()).catch(() => {});
    },
  };
}
