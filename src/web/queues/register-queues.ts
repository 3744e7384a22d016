/**
 * bull-board (the BullMQ vendor UI) mounted at /queues: waiting, active, delayed and failed jobs per pool
 * queue, with retry. Only used with the bullmq executor; the local executor gets a note page instead.
 */
import { createBullBoard } from '@bull-board/api';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { QueueBoardSource } from './queue-board-source.ts';

/**
 * Mount bull-board for these queues at /queues.
 *
 * @example await registerQueues(app, await openBullBoardQueues(settings, pools))
 */
export async function registerQueues(app: FastifyInstance, source: QueueBoardSource): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath('/queues');
  createBullBoard({
    queues: [...source.boardAdapters] as never,
    serverAdapter: serverAdapter as never,
    options: { uiConfig: { boardTitle: 'Sluice queues' } },
  });
  await app.register(serverAdapter.registerPlugin() as never, { prefix: '/queues' });
}
