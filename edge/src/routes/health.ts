import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';

const READY_TIMEOUT_MS = 1000;

/** Liveness (`/healthz`) and readiness (`/readyz`: Postgres answers within 1 s). */
export function healthRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const postgres = await probe(() => c.var.db().execute(sql`select 1`), READY_TIMEOUT_MS);
    if (postgres.ok) return c.json({ status: 'ready', checks: { postgres } });
    c.var.log.warn('not ready', { check: 'postgres', error: postgres.error });
    return c.json({ status: 'unavailable', message: `postgres: ${postgres.error}`, checks: { postgres } }, 503);
  });

  return app;
}

async function probe(check: () => Promise<unknown>, timeoutMs: number) {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true as const, latency_ms: Date.now() - started };
  } catch (error) {
    return { ok: false as const, error: rootMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The driver's own words ("connect ECONNREFUSED ..."), not the ORM's "Failed query" wrapper. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
