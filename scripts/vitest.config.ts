import { defineConfig } from 'vitest/config';

// Whole-system tests: they start real processes (npm start, wrangler).
export default defineConfig({
  test: { name: 'system', include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 60_000, fileParallelism: false },
});
