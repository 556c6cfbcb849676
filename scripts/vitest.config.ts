import { defineConfig } from 'vitest/config';

// Whole-system tests: they start real processes (npm start, wrangler). A hook starting the
// whole system (wrangler dev's first bundle, a voice node) takes minutes on a busy machine.
export default defineConfig({
  test: { name: 'system', include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false },
});
