/**
 * A clock for tests: time moves only when the test advances it; sleepers whose deadline has come are
 * released in deadline order.
 */
import type { Clock } from '../../src/ports/clock.ts';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(start: Date | string) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          signal?.removeEventListener('abort', sleeper.resolve);
          resolve();
        },
      };
      if (ms <= 0) return sleeper.resolve();
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.resolve, { once: true });
    });
  }

  /** Move time forward and wake every sleeper that is due. */
  advance(ms: number): void {
    this.#now += ms;
    for (const s of [...this.#sleepers].sort((a, b) => a.at - b.at)) if (s.at <= this.#now) s.resolve();
  }

  /** Number of pending sleepers (diagnostics). */
  get sleepers(): number {
    return this.#sleepers.length;
  }
}
