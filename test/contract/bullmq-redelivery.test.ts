/**
 * BullMQ-specific behaviour beyond the executor contract, on the machine's real Redis with a prefix of its
 * own: when Redis loses the jobs of tries the executor handed over (a restart without persistence), the
 * executor adds them again as soon as its connection comes back, and each try still runs once.
 * The loss is simulated without touching the shared Redis server: the test deletes this prefix's keys and
 * kills the executor's connection (CLIENT KILL), which ioredis re-establishes.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { bullmqSettingsFrom } from '../../src/adapters/executor/bullmq/bullmq-config.ts';
import {
  type BullmqExecutor,
  openBullmqExecutor,
} from '../../src/adapters/executor/bullmq/bullmq-executor.ts';
import { type BullmqWorker, startBullmqWorker } from '../../src/adapters/executor/bullmq/bullmq-worker.ts';
import { compileConfig } from '../../src/config/config.ts';
import type { TaskDispatch, TaskSettled } from '../../src/ports/executor.ts';
import { dispatchOf, sleep, waitFor } from './executor.contract.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function keysOf(admin: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

it('adds the tries Redis lost again after reconnecting, and runs each of them once', async () => {
  const prefix = `sluice-test-${randomUUID().slice(0, 8)}`;
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanups.push(async () => {
    const keys = await keysOf(admin, prefix);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });
  const config = compileConfig({
    env: { REDIS_URL, SLUICE_QUEUE_PREFIX: prefix },
    cwd: process.cwd(),
    projectDir: process.cwd(),
    fileOverrides: {},
    flags: {},
  });
  const settings = bullmqSettingsFrom(config, { pools: ['default'] });
  const executor: BullmqExecutor = await openBullmqExecutor(settings);
  cleanups.push(() => executor.close(0));
  const settled: TaskSettled[] = [];
  executor.onSettled((e) => settled.push(e));

  const tries = [dispatchOf(1), dispatchOf(2), dispatchOf(3, { notBefore: new Date(Date.now() + 300) })];
  for (const t of tries) await executor.dispatch(t);
  const jobKey = (t: TaskDispatch) => `${prefix}:default:${t.dispatchId}`;
  expect(await admin.exists(...tries.map(jobKey))).toBe(3);

  // Redis forgets everything of this prefix, and the executor's connection drops.
  await admin.del(...(await keysOf(admin, prefix)));
  expect(await admin.exists(...tries.map(jobKey))).toBe(0);
  const list = (await admin.client('LIST')) as string;
  const ids = list
    .split('\n')
    .filter((line) => line.includes(`name=sluice:${prefix}:executor:`))
    .map((line) => /\bid=(\d+)/.exec(line)![1]!);
  expect(ids).toHaveLength(1);
  await admin.client('KILL', 'ID', ids[0]!);

  await waitFor(
    'the lost jobs to be added again',
    async () => (await admin.exists(...tries.map(jobKey))) === 3,
  );

  const runs: TaskDispatch[] = [];
  const worker: BullmqWorker = await startBullmqWorker(settings, {
    queues: ['default'],
    concurrency: 2,
    handler: async (d) => {
      runs.push(d);
    },
  });
  cleanups.push(() => worker.close(0));
  await waitFor('all three tries to settle', () => settled.length === 3);
  await sleep(100);
  expect(runs.map((d) => d.dispatchId).sort()).toEqual(tries.map((t) => t.dispatchId).sort());
  // The delayed try kept its notBefore through the re-add.
  expect(runs.find((d) => d.taskId === 't3')?.notBefore?.getTime()).toBe(tries[2]!.notBefore!.getTime());
  expect(await executor.inFlight()).toBe(0);
});
