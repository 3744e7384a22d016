/**
 * What the dashboard needs from the job queues (BullMQ executor): bull-board adapters for the /queues UI and
 * per-queue job counts for /metrics. Built in `src/adapters/executor/bullmq/bull-board-queues.ts`.
 */
import type { BaseAdapter } from '@bull-board/api/baseAdapter';

/** Jobs per state in one queue (one queue per pool). */
export interface QueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
}

export interface QueueBoardSource {
  /** One bull-board adapter per pool queue. */
  readonly boardAdapters: readonly BaseAdapter[];
  /** Job counts per queue name. */
  counts(): Promise<Record<string, QueueCounts>>;
  close(): Promise<void>;
}
