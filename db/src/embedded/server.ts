import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { endsUnit, FrameReader, leavesQueryOpen } from '../wire/framing.ts';
import { SessionMultiplexer } from './multiplexer.ts';

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data across restarts; omitted means in memory. */
  dataDir?: string;
  host?: string;
  /** 0 lets the OS choose. */
  port?: number;
  /** Cut off a client idle in a transaction this long while others wait (default 5 s). */
  idleInTransactionTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres compiled to WASM, in this process) served on the Postgres
 * wire protocol, so workerd, Bun and postgres.js reach it like any server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const multiplexer = new SessionMultiplexer(pglite, options.idleInTransactionTimeoutMs);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => serve(socket, multiplexer, sockets));
  try {
    await listen(server, host, options.port ?? 0);
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      // A unit cut off mid-way may still hold PGlite's lock: do not wait forever to close.
      await Promise.race([pglite.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function serve(socket: Socket, multiplexer: SessionMultiplexer, sockets: Set<Socket>): void {
  sockets.add(socket);
  socket.setNoDelay(true);
  const reader = new FrameReader();
  const client = {
    write: (bytes: Uint8Array) => void (socket.writable && socket.write(bytes)),
    terminate: () => socket.destroy(),
  };
  let pending: Uint8Array[] = [];
  // Units of one connection run in order: each waits for the one before it.
  let previous = Promise.resolve();

  socket.on('data', (chunk) => {
    let frames;
    try {
      frames = reader.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (frame.kind === 'negotiate') socket.write('N');
      if (frame.kind === 'cancel' || frame.kind === 'negotiate') continue;
      if (frame.kind === 'message' && frame.type === 'X') {
        socket.end();
        return;
      }
      pending.push(frame.bytes);
      if (endsUnit(frame)) {
        const unit = pending;
        const holds = leavesQueryOpen(frame);
        pending = [];
        previous = previous.then(() => multiplexer.submit(client, unit, holds));
      }
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    sockets.delete(socket);
    void previous.then(() => multiplexer.release(client));
  });
}
