import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/faults/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB files, PGlite dirs and Redis prefixes are per test, but 2 cores are all we have.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
