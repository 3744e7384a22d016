/**
 * The real clock: the only place the runtime reads wall time and arms timers for logic.
 */
import type { Clock } from '../ports/clock.ts';

/** Wall-clock time; `sleep` is an abortable timer. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        signal?.removeEventListener('abort', done);
        clearTimeout(timer);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};
