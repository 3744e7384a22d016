/**
 * What a job returns besides a plain result: `skip()` ends the task `skipped`, `reschedule()` asks a sensor
 * to be poked again later. Tagged plain objects, so they survive module duplication and serialization.
 */

export interface SkipOutcome {
  readonly __sluice: 'skip';
  readonly reason: string;
}

export interface RescheduleOutcome {
  readonly __sluice: 'reschedule';
  readonly reason: string;
}

export type JobOutcome = SkipOutcome | RescheduleOutcome;

/**
 * End the task as `skipped`; downstream tasks follow their trigger rules.
 *
 * @example if (files.length === 0) return skip('no new files')
 */
export function skip(reason = 'skipped by the job'): SkipOutcome {
  return { __sluice: 'skip', reason };
}

/**
 * A sensor is not satisfied yet: the task waits `up_for_reschedule` (no slot held) and is poked again after
 * its poke interval; after the sensor timeout it ends `skipped` (softFail) or `failed`.
 *
 * @example return reschedule('no order files yet')
 */
export function reschedule(reason = 'not ready yet'): RescheduleOutcome {
  return { __sluice: 'reschedule', reason };
}

/** True for the value of `skip()` or `reschedule()`. */
export function isJobOutcome(value: unknown): value is JobOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const tag = (value as { __sluice?: unknown }).__sluice;
  return tag === 'skip' || tag === 'reschedule';
}
