/**
 * A door to the test database that a test can shut (started by vitest.config.ts): a TCP
 * proxy to the real Postgres, so an edge test sees what postgres.js raises when the
 * database goes away. Tests steer it at `http://database-door.test/…` through miniflare's
 * outbound service: `GET /url` (a connection string through the door), `POST /open`,
 * `POST /close` (stop listening and drop every connection, as a stopped server does) and
 * `POST /refuse?code=57P03` (answer every new connection with Postgres's own FATAL error) and
 * `POST /hold` (pass nothing more on to the database, so a query stays in flight; `GET /held`
 * counts the bytes kept back).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export const DATABASE_DOOR_HOST = 'database-door.test';

type Mode = { kind: 'open' } | { kind: 'closed' } | { kind: 'refuse'; code: string };

export interface DatabaseDoor {
  route(request: Request): Promise<Response>;
  close(): Promise<void>;
}

export async function startDatabaseDoor(databaseUrl: string): Promise<DatabaseDoor> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let mode: Mode = { kind: 'open' };
  let holding = false;
  let held = 0;
  let server: Server | null = null;
  let port = 0;

  const serve = (client: Socket) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (mode.kind === 'refuse') {
      // The first message is the startup packet; the answer is what the server says before any session.
      const { code } = mode;
      client.once('data', () => client.end(fatalError(code, `the database refused the connection (${code})`)));
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('data', (bytes: Buffer) => {
      if (holding) held += bytes.length;
      else upstream.write(bytes);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(serve);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const shut = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  };
  await listen();

  const url = () => {
    const through = new URL(databaseUrl);
    through.hostname = '127.0.0.1';
    through.port = String(port);
    return through.toString();
  };

  return {
    async route(request) {
      const { pathname, searchParams } = new URL(request.url);
      if (pathname === '/url') return Response.json({ url: url() });
      if (pathname === '/held') return Response.json({ held });
      if (pathname === '/hold') {
        holding = true;
        held = 0;
      } else if (pathname === '/open') {
        mode = { kind: 'open' };
        holding = false;
        if (!server) await listen();
      } else if (pathname === '/close') {
        mode = { kind: 'closed' };
        await shut();
      } else if (pathname === '/refuse') {
        mode = { kind: 'refuse', code: searchParams.get('code') ?? '57P03' };
        if (!server) await listen();
      } else {
        return new Response('no such door control', { status: 404 });
      }
      return Response.json({ mode: mode.kind });
    },
    close: shut,
  };
}

/** A Postgres ErrorResponse ('E') of severity FATAL, as the server sends it before closing. */
function fatalError(code: string, message: string): Buffer {
  const fields = Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', message), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

function field(type: string, value: string): Buffer {
  return Buffer.concat([Buffer.from(type), Buffer.from(value), Buffer.from([0])]);
}
