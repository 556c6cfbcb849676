import { exports } from 'cloudflare:workers';
import { beforeAll } from 'vitest';

// The first request a runtime serves loads the Worker (vendor SDKs included), seconds on a busy
// runner: done before each file (the files share a runtime, vitest.config.ts), under hookTimeout,
// so no test's own timeout pays for it.
beforeAll(async () => {
  await (await exports.default.fetch('http://edge.test/healthz')).arrayBuffer();
});
