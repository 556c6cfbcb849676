import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Components and hooks in jsdom; the whole dashboard in real Chromium is scripts/test/dashboard.test.ts.
export default defineConfig({
  plugins: [react()],
  test: { name: 'ui', include: ['src/**/*.test.{ts,tsx}'], environment: 'jsdom' },
});
