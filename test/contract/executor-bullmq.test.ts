/**
 * The executor contract on BullMQ with the machine's real Redis: each test gets its own key prefix, and
 * after close() no connection of that prefix may remain and its keys are deleted.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { bullmqSettingsFrom } from '../../src/adapters/executor/bullmq/bullmq-config.ts';
import { openBullmqExecutor } from '../../src/adapters/executor/bullmq/bullmq-executor.ts';
import { compileConfig } from '../../src/config/config.ts';
import { describeExecutorContract, waitFor } from './executor.contract.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let admin: Redis;

beforeAll(() => {
  admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await admin.quit();
});

/** Names of the Redis clients whose connection name mentions `prefix`. */
async function clientsOf(prefix: string): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return list
    .split('\n')
    .map((line) => /\bname=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name.includes(`:${prefix}:`));
}

async function deleteKeys(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

describeExecutorContract('bullmq', async ({ handler, concurrency }) => {
  const prefix = `sluice-test-${randomUUID().slice(0, 8)}`;
  const config = compileConfig({
    env: { REDIS_URL, SLUICE_QUEUE_PREFIX: prefix },
    cwd: process.cwd(),
    projectDir: process.cwd(),
    fileOverrides: {},
    flags: {},
  });
  const settings = bullmqSettingsFrom(config, { pools: ['default'] });
  const executor = await openBullmqExecutor(settings, { inProcessWorker: { handler, concurrency } });
  expect((await clientsOf(prefix)).length).toBeGreaterThan(0);
  return {
    executor,
    afterClose: async () => {
      await waitFor(
        `the connections of ${prefix} to close`,
        async () => (await clientsOf(prefix)).length === 0,
      );
      await deleteKeys(prefix);
    },
  };
});
