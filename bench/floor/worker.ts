/**
 * The floor under the web API's CPU a request (bench/web-api-floor.ts): a bench-only Worker,
 * run under `wrangler dev` as the real one is, whose routes each add one piece of what the
 * real `GET /api/v1/tenants/:id/campaigns` does, and nothing else:
 * `/floor/json` a Hono route answering JSON; `/floor/db` that plus a Postgres client made by
 * our createDb on the request's connection string (the same local pooler) and one `select`;
 * `/floor/db-do` that plus one RPC to a Durable Object (of 64, by name, as the limiter's shards).
 */
import { DurableObject } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { createDb } from '../../db/src/client.ts';
import { isPostgresSocketClose } from '../../edge/src/postgres-socket-close.ts';

interface Env {
  HYPERDRIVE: Hyperdrive;
  FLOOR_OBJECT: DurableObjectNamespace<FloorObject>;
}

/** An object whose method does as little as an RPC target can: counts in memory. */
export class FloorObject extends DurableObject<Env> {
  private calls = 0;

  count(): number {
    return ++this.calls;
  }
}

/** One `select` on a client made as the real Worker makes one a request (middleware/request-context.ts). */
async function selectOne(env: Env): Promise<number> {
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1, maxLifetimeSeconds: null });
  const [row] = await db.execute<{ one: number }>(sql`select 1 as one`);
  return row!.one;
}

const SHARDS = 64;

const app = new Hono<{ Bindings: Env }>()
  // wrangler dev waits for it, and bench/lib/workerd-port.ts finds workerd's own port by it.
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/floor/json', (c) => c.json({ ok: true }))
  .get('/floor/db', async (c) => c.json({ one: await selectOne(c.env) }))
  .get('/floor/db-do', async (c) => {
    const one = await selectOne(c.env);
    const calls = await c.env.FLOOR_OBJECT.getByName(`shard:${Math.floor(Math.random() * SHARDS)}`).count();
    return c.json({ one, calls });
  });

addEventListener('unhandledrejection', (event) => {
  if (isPostgresSocketClose(event.reason)) event.preventDefault();
});

export default app satisfies ExportedHandler<Env>;
