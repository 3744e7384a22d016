/**
 * Settings of the BullMQ executor and worker, compiled once from Sluice's configuration, and the ioredis
 * connection options both sides use. BullMQ only delivers tries; the metadata DB stays the source of truth,
 * so these settings favour "fail the BullMQ job and let the scheduler decide" over BullMQ-side retries.
 */
import { hostname } from 'node:os';
import type { RedisOptions } from 'bullmq';
import type { SluiceConfig } from '../../../config/config.ts';

/** Redis keys are `<prefix>:<pool>:...`: one BullMQ queue per pool, named after the pool. */
export interface BullmqSettings {
  /** `redis://[user:pass@]host:port[/db]`. */
  readonly url: string;
  /** BullMQ key prefix (`config.redis.prefix`); tests use a unique one each. */
  readonly prefix: string;
  /** Pools whose settle events the scheduler side listens to from the start (others join on first dispatch). */
  readonly pools: readonly string[];
  /** How long a worker's lock on a running job lasts; BullMQ renews it every `lockDurationMs / 2`. */
  readonly lockDurationMs: number;
  /** How often workers look for jobs whose lock expired (their worker died); such jobs fail, never re-run. */
  readonly stalledIntervalMs: number;
  /** Finished jobs kept for dedup and the dashboard; older or beyond the count are removed. */
  readonly keepCompleted: { readonly ageSeconds: number; readonly count: number };
  readonly keepFailed: { readonly ageSeconds: number; readonly count: number };
  /**
   * How long `dispatch` waits for Redis before it hands the try to its reconnect backlog and returns, so a
   * Redis outage does not stall the scheduler loop.
   */
  readonly dispatchWaitMs: number;
  /** Longest pause between reconnect attempts after Redis went away. */
  readonly maxReconnectDelayMs: number;
}

export const DEFAULT_POOLS: readonly string[] = ['default', 'warehouse'];

/**
 * Build the BullMQ settings from Sluice's configuration, with optional overrides (tests shorten timings).
 *
 * @example const settings = bullmqSettingsFrom(config, { prefix: 'sluice-test-1' })
 */
export function bullmqSettingsFrom(
  config: SluiceConfig,
  overrides: Partial<BullmqSettings> = {},
): BullmqSettings {
  return Object.freeze({
    url: config.redis.url,
    prefix: config.redis.prefix,
    pools: DEFAULT_POOLS,
    lockDurationMs: 30_000,
    stalledIntervalMs: 15_000,
    keepCompleted: { ageSeconds: 24 * 3600, count: 10_000 },
    keepFailed: { ageSeconds: 7 * 24 * 3600, count: 10_000 },
    dispatchWaitMs: 2_000,
    maxReconnectDelayMs: 1_000,
    ...overrides,
  });
}

/**
 * ioredis options for one connection. `maxRetriesPerRequest: null` keeps commands queued across a Redis
 * restart instead of failing them (BullMQ requires it for blocking connections; the scheduler side wants it
 * too, so a dispatch made during an outage is delivered when Redis returns). The retry strategy reconnects
 * quickly and forever: a Sluice process never gives up on Redis.
 *
 * @example new Worker(pool, processor, { connection: redisOptions(settings, 'worker'), prefix: settings.prefix })
 */
export function redisOptions(settings: BullmqSettings, role: string): RedisOptions & { url: string } {
  return {
    url: settings.url,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(50 * times, settings.maxReconnectDelayMs),
    // Visible in `CLIENT LIST`: which Sluice process and prefix holds a connection (tests look for leaks).
    connectionName: connectionName(settings.prefix, role),
  };
}

/** The `CLIENT SETNAME` of every connection Sluice opens for `prefix` (no spaces allowed by Redis). */
export function connectionName(prefix: string, role: string): string {
  return `sluice:${prefix}:${role}:${hostname()}:${process.pid}`.replace(/\s+/g, '_');
}
