import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault-injection suite (test/faults). Real processes on the machine's Redis and
// PostgreSQL, which some scenarios restart: so one file at a time, and generous timeouts (a scenario waits
// for zombie detection, retries and restarts). FAULTS_SEED=<seed> repeats a run's choices exactly.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    // The summary of trials and invariant checks comes from the global teardown; keep the per-test lines.
    reporters: ['default'],
  },
});
