import { createDb } from '@glyphoxa/db';
import { createLogger } from '@glyphoxa/protocol';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';

/**
 * Per request: a logger carrying the request id, and a Postgres client opened
 * on first use (Workers may not share sockets between requests; Hyperdrive
 * pools for us). The client is not `end()`ed: the runtime closes a request's
 * sockets when it finishes, and postgres.js's end() on workerd leaves an
 * unhandled rejection behind (porsager/postgres#1202).
 * No access-log line of our own: Workers observability records every
 * invocation (method, path, status, duration) and `wrangler dev` prints one,
 * and a log line costs ~3 ms a request under `wrangler dev` (docs/BENCHMARKS.md).
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.req.header('cf-ray') ?? crypto.randomUUID();
  let handle: ReturnType<typeof createDb> | undefined;
  c.set('log', createLogger({ request_id: requestId }));
  c.set('db', () => (handle ??= createDb(c.env.HYPERDRIVE.connectionString, { max: 1, maxLifetimeSeconds: null })).db);
  await next();
});
