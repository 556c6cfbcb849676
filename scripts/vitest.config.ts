import { defineConfig } from 'vitest/config';

/**
 * The dashboard's browser tests that share one Worker (lib/dashboard-edge-setup.ts): every
 * dashboard-*.test.ts but billing's, whose Worker has billing on (a Stripe key), which would
 * change what the others see.
 */
const SHARED_WORKER = ['test/dashboard.test.ts', 'test/dashboard-!(billing).test.ts'];

// Whole-system tests: they start real processes (npm start, wrangler). A hook starting the
// whole system (wrangler dev's first bundle, a voice node) takes minutes on a busy machine.
// One file at a time, across both projects.
export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    projects: [
      { extends: true, test: { name: 'system', include: ['test/**/*.test.ts'], exclude: SHARED_WORKER } },
      { extends: true, test: { name: 'dashboard', include: SHARED_WORKER, globalSetup: ['lib/dashboard-edge-setup.ts'] } },
    ],
  },
});
