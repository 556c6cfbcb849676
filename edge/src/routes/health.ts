import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { readiness } from '../readiness.ts';

/** Liveness (`/healthz`) and readiness (`/readyz`: Postgres answers within 1 s). */
export function healthRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const { checks } = await readiness(c.var.db());
    const { postgres } = checks;
    if (postgres.ok) return c.json({ status: 'ready', checks });
    c.var.log.warn('not ready', { check: 'postgres', error: postgres.error });
    return c.json({ status: 'unavailable', message: `postgres: ${postgres.error}`, checks }, 503);
  });

  return app;
}
