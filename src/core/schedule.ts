/**
 * Cron math, pure: every function takes the instants it needs (no clock). Croner evaluates the 5-field
 * expression in UTC; the same library wakes the scheduler (docs/adr/0004-croner-for-schedules.md).
 */
import { Cron } from 'croner';

const cache = new Map<string, Cron>();

function cronOf(expression: string): Cron {
  let cron = cache.get(expression);
  if (!cron) {
    // No callback: croner only evaluates, it schedules nothing.
    cron = new Cron(expression, { timezone: 'UTC', mode: '5-part' });
    cache.set(expression, cron);
  }
  return cron;
}

/**
 * The problem with a cron expression, or undefined when it is a valid 5-field UTC expression.
 *
 * @example cronProblem('61 * * * *') // 'CronPattern: Invalid value for minute: 61'
 */
export function cronProblem(expression: string): string | undefined {
  if (typeof expression !== 'string' || expression.trim() === '') return 'empty cron expression';
  try {
    const cron = cronOf(expression);
    if (cron.nextRun(new Date(0)) === null) return 'the expression never fires';
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The first fire time strictly after `after`, or null when none. */
export function nextFireAfter(expression: string, after: Date): Date | null {
  return cronOf(expression).nextRun(after);
}

/** The first fire time at or after `at`. */
export function fireAtOrAfter(expression: string, at: Date): Date | null {
  return cronOf(expression).nextRun(new Date(at.getTime() - 1));
}

/** The latest fire time at or before `at`, or null. */
export function fireAtOrBefore(expression: string, at: Date): Date | null {
  return cronOf(expression).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

/** The latest fire time strictly before `before`, or null. */
export function fireBefore(expression: string, before: Date): Date | null {
  return cronOf(expression).previousRuns(1, before)[0] ?? null;
}

/** True when `at` is exactly a fire time of the expression. */
export function isFireTime(expression: string, at: Date): boolean {
  return fireAtOrAfter(expression, at)?.getTime() === at.getTime();
}
