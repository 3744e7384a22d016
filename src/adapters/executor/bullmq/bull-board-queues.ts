/**
 * The BullMQ queues of Sluice's pools, opened for the dashboard: bull-board adapters (the vendor UI mounted at
 * /queues) and job counts for /metrics. BullMQ `Queue` objects are created only here, so `src/web` never imports
 * `bullmq`. All queues share one Redis connection, closed by `close()`.
 *
 * A "retry" pressed in bull-board re-delivers the same try (same job id); the task runner starts it only if the
 * metadata DB still has that try queued, so the scheduler stays the one that decides retries.
 */
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { QueueBoardSource, QueueCounts } from '../../../web/queues/queue-board-source.ts';
import { type BullmqSettings, redisOptions } from './bullmq-config.ts';

/**
 * Open one BullMQ queue per pool for bull-board and queue depths.
 *
 * @example const board = await openBullBoardQueues(bullmqSettingsFrom(config), ['default', 'warehouse'])
 */
export async function openBullBoardQueues(
  settings: BullmqSettings,
  pools: readonly string[],
): Promise<QueueBoardSource> {
  const { url, ...options } = redisOptions(settings, 'dashboard');
  // Fail fast in the web process: a dashboard request should not hang while Redis is away.
  const client = new Redis(url, { ...(options as RedisOptions), maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => {
    // Reported through failing counts (metrics) and bull-board's own error page; ioredis keeps reconnecting.
  });
  const queues = [...new Set(pools)]
    .sort()
    .map((pool) => new Queue(pool, { connection: client, prefix: settings.prefix }));
  const boardAdapters = queues.map((queue) => new BullMQAdapter(queue, { allowRetries: true }));
  return {
    boardAdapters,
    async counts() {
      const out: Record<string, QueueCounts> = {};
      for (const queue of queues) {
        const c = await queue.getJobCounts(
          'waiting',
          'prioritized',
          'active',
          'delayed',
          'failed',
          'completed',
        );
        out[queue.name] = {
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          completed: c.completed ?? 0,
        };
      }
      return out;
    },
    async close() {
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
      client.disconnect();
    },
  };
}
