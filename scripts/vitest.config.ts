import { defineConfig } from 'vitest/config';

// Whole-system tests: they start real processes (npm start, wrangler). A hook starting the
// whole system (wrangler dev's first bundle, a voice node) takes minutes on a busy machine.
export default defineConfig({
  test: {
    name: 'system',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two files at once: each starts its own system (free ports, its own state directory and
    // tenants) and spends most of its time waiting on it; more would starve the Worker's clocks
    // the control-plane tests measure.
    maxWorkers: 2,
  },
});
