/**
 * What happens after a failed try: another try after a delay (fixed or exponential, capped), or the end.
 */
import type { TaskSpec } from './dag/dag-spec.ts';

export type RetryPolicy = Pick<
  TaskSpec,
  'retries' | 'retryDelayMs' | 'retryExponentialBackoff' | 'maxRetryDelayMs'
>;

export type FailureDecision =
  | { readonly state: 'up_for_retry'; readonly retryAt: Date; readonly delayMs: number }
  | { readonly state: 'failed' };

/**
 * Delay before the retry that follows the `failures`-th failure (1-based).
 *
 * @example retryDelayMs({ retries: 3, retryDelayMs: 1000, retryExponentialBackoff: true, maxRetryDelayMs: 3000 }, 3) // 3000
 */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
  if (!policy.retryExponentialBackoff) return Math.min(policy.retryDelayMs, policy.maxRetryDelayMs);
  const factor = 2 ** Math.max(0, failures - 1);
  return Math.min(policy.retryDelayMs * factor, policy.maxRetryDelayMs);
}

/**
 * Decide after a failed try: `failures` counts failed tries including this one.
 *
 * @example decideAfterFailure(policy, { failures: 1, nonRetryable: false, now }) // { state: 'up_for_retry', ... }
 */
export function decideAfterFailure(
  policy: RetryPolicy,
  input: { readonly failures: number; readonly nonRetryable: boolean; readonly now: Date },
): FailureDecision {
  if (input.nonRetryable || input.failures > policy.retries) return { state: 'failed' };
  const delayMs = retryDelayMs(policy, input.failures);
  return { state: 'up_for_retry', retryAt: new Date(input.now.getTime() + delayMs), delayMs };
}
