import { defineConfig } from 'vitest/config';

export default defineConfig({
  // PGlite boots in seconds on a quiet machine and took over 30 s on one shared with other suites: bounds, not speed checks.
  test: {
    name: 'db',
    include: ['test/**/*.test.ts'],
    // One migrated PGlite per run, which every file's own PGlite starts from (test/backends.ts).
    globalSetup: ['test/migrated-snapshot.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
