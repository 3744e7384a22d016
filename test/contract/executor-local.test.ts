/**
 * The executor contract on the local (in-process) executor.
 */
import { createLocalExecutor } from '../../src/adapters/executor/local/local-executor.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { describeExecutorContract } from './executor.contract.ts';

describeExecutorContract('local', async ({ handler, concurrency }) => ({
  executor: createLocalExecutor({ handler, concurrency, clock: systemClock }),
}));
