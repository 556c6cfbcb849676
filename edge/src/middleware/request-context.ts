import { createDb } from '@glyphoxa/db';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { createLogger } from '@glyphoxa/protocol';

/**
 * Per request: a logger carrying the request id, a Postgres client opened on
 * first use (Workers may not share sockets between requests; Hyperdrive pools
 * for us), and one access-log line. The client is not `end()`ed: the runtime
 * closes a request's sockets when it finishes, and postgres.js's end() on
 * workerd leaves an unhandled rejection behind (porsager/postgres#1202).
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = c.req.header('cf-ray') ?? crypto.randomUUID();
  const log = createLogger({ request_id: requestId });
  let handle: ReturnType<typeof createDb> | undefined;
  c.set('log', log);
  c.set('db', () => (handle ??= createDb(c.env.HYPERDRIVE.connectionString, { max: 1 })).db);
  try {
    await next();
  } finally {
    c.var.log.info('request', {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      duration_ms: Date.now() - started,
    });
  }
});
