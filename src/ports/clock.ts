/** Time, injected: core and runtime never read `Date.now()` directly, so tests drive them with a fake clock. */
export interface Clock {
  now(): Date;
  /** Resolve after `ms` of this clock's time (a fake clock resolves when advanced). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
