/**
 * `defineJob`: the code a task runs, in `jobs/<name>.ts` (file name = job name).
 */
import type { z } from 'zod';
import type { JsonValue } from '../core/dag/dag-definition.ts';
import type { JobContext } from './job-context.ts';
import type { JobOutcome } from './job-outcome.ts';

/** A job's return: a small JSON result (success), nothing, or `skip()` / `reschedule()`. */
export type JobReturn = JsonValue | undefined | undefined | JobOutcome;

export interface JobDefinition<S extends z.ZodType = z.ZodType<Record<string, unknown>>> {
  readonly description?: string;
  /** Schema of the task's `params` (zod); defaults apply, a mismatch fails the task without retry. */
  readonly params?: S;
  run(ctx: JobContext<z.output<S>>): Promise<JobReturn | undefined> | JobReturn | undefined;
}

/** A defined job, as the task runner loads it. */
export interface Job<S extends z.ZodType = z.ZodType> extends JobDefinition<S> {
  readonly kind: 'sluice.job';
}

/**
 * Define a job.
 *
 * @example export default defineJob({ params: z.object({ entity: z.string() }), async run(ctx) { return { ok: true } } })
 */
export function defineJob<S extends z.ZodType = z.ZodType<Record<string, unknown>>>(
  definition: JobDefinition<S>,
): Job<S> {
  return Object.freeze({ ...definition, run: definition.run, kind: 'sluice.job' as const });
}

/** True for the value of `defineJob(...)`. */
export function isJob(value: unknown): value is Job {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'sluice.job' &&
    typeof (value as { run?: unknown }).run === 'function'
  );
}
