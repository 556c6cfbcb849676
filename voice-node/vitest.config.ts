import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Process tests spawn Bun children; each bounds its own waits well under this.
  test: { root: import.meta.dirname, include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
