/**
 * Logs Redis connection trouble once per distinct message per window: during a Redis restart every BullMQ
 * object reports the same ECONNREFUSED many times a second, and one line says it all.
 */
import type { Logger } from '../../../ports/logger.ts';

/** A silent logger, the default when the caller gives none. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/**
 * Build an `error` listener that logs each distinct message at most once per `windowMs`.
 *
 * @example worker.on('error', connectionErrorLog(logger, 'bullmq worker'))
 */
export function connectionErrorLog(
  logger: Logger,
  source: string,
  windowMs = 10_000,
): (error: Error) => void {
  const lastSeen = new Map<string, number>();
  return (error: Error) => {
    const message = error?.message ?? String(error);
    const now = performance.now();
    const seen = lastSeen.get(message);
    if (seen !== undefined && now - seen < windowMs) return;
    lastSeen.set(message, now);
    if (lastSeen.size > 100) lastSeen.clear();
    logger.warn(`${source}: ${message}`);
  };
}
