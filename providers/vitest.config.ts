import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The TLS stand-ins' certificate (OpenAI's realtime SDK reaches its server over TLS only):
// the test workers, forked from here, read it as they start.
process.env.NODE_EXTRA_CA_CERTS = fileURLToPath(new URL('test/stand-ins/tls/cert.pem', import.meta.url));

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    // The suites mostly wait on sockets and timers: run the files side by side even on a 2-CPU runner.
    maxWorkers: 4,
    // Loading the vendor SDKs took 25 s on a runner shared with other suites, and over 30 s
    // beside npm test's other lanes on a busy one: bounds, not speed checks.
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
