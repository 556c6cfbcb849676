import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    // The suites mostly wait on sockets and timers: run the files side by side even on a 2-CPU runner.
    maxWorkers: 4,
    // Loading the vendor SDKs takes seconds on a busy runner; no test waits that long on purpose.
    testTimeout: 15_000,
    hookTimeout: 30_000,
  },
});
