/**
 * The floor under the web API's CPU a request (bench/web-api-floor.ts): a bench-only Worker,
 * run under `wrangler dev` as the real one is, whose routes each add one piece of what the
 * real `GET /api/v1/tenants/:id/campaigns` does, and nothing else:
 * `/floor/json` a Hono route answering JSON; `/floor/socket` that plus a connection to the
 * request's connection string (the same local pooler) and one `select` written and read by hand
 * over workerd's socket, no driver: the runtime's own part of a connection a request;
 * `/floor/db` the same through a Postgres client made by our createDb (postgres.js);
 * `/floor/db-do` that plus one RPC to a Durable Object (of 64, by name, as the limiter's shards).
 */
import { connect } from 'cloudflare:sockets';
import { DurableObject } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { createDb } from '../../db/src/client.ts';
import { FrameReader, type Frame } from '../../db/src/wire/framing.ts';
import { startupMessage, typedMessage } from '../../db/src/wire/messages.ts';
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

/**
 * The same `select` with no driver: the startup message, the pooler's greeting up to
 * ReadyForQuery (it asks no password), one simple query, its DataRow's one column.
 */
async function selectOneOverSocket(env: Env): Promise<number> {
  const url = new URL(env.HYPERDRIVE.connectionString);
  const socket = connect({ hostname: url.hostname, port: Number(url.port) });
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  const frames = new FrameReader(true);
  const untilReady = async () => {
    const seen: Frame[] = [];
    while (!seen.some((frame) => frame.kind === 'message' && frame.type === 'Z')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the pooler closed the connection');
      seen.push(...frames.push(Buffer.from(value)));
    }
    return seen;
  };
  try {
    await writer.write(startupMessage({ user: decodeURIComponent(url.username), database: url.pathname.slice(1) }));
    await untilReady();
    await writer.write(typedMessage('Q', Buffer.from('select 1 as one\0')));
    const row = (await untilReady()).find((frame): frame is Extract<Frame, { kind: 'message' }> => frame.kind === 'message' && frame.type === 'D');
    if (!row) throw new Error('no row');
    // DataRow: type, int32 length, int16 columns, then int32 length and the text of the first.
    const bytes = Buffer.from(row.bytes);
    return Number(bytes.toString('utf8', 11, 11 + bytes.readInt32BE(7)));
  } finally {
    await socket.close();
  }
}

const SHARDS = 64;

const app = new Hono<{ Bindings: Env }>()
  // wrangler dev waits for it, and bench/lib/workerd-port.ts finds workerd's own port by it.
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/floor/json', (c) => c.json({ ok: true }))
  .get('/floor/socket', async (c) => c.json({ one: await selectOneOverSocket(c.env) }))
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
