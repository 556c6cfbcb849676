import { exports } from 'cloudflare:workers';
import { beforeAll } from 'vitest';

// A file's first request loads the Worker (vendor SDKs included), seconds on a busy runner with
// other files' workerd beside it: done here, under hookTimeout, so no test's own timeout pays for it.
beforeAll(async () => {
  await (await exports.default.fetch('http://edge.test/healthz')).arrayBuffer();
});
