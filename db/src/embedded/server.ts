import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { endsUnit, FrameReader, leavesQueryOpen } from '../wire/framing.ts';
import { errorResponse, readStartupParameters } from '../wire/messages.ts';
import { SessionMultiplexer, type Client } from './multiplexer.ts';

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data across restarts; omitted means in memory. */
  dataDir?: string;
  /**
   * A data directory to start from (a tarball of PGlite's `dumpDataDir`), so a start skips
   * initdb and whatever built that state: the data-layer tests start each file from one
   * migrated database this way.
   */
  loadDataDir?: Blob;
  host?: string;
  /** 0 lets the OS choose. */
  port?: number;
  /** Cut off a client idle in a transaction this long while others wait (default 5 s). */
  idleInTransactionTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** Settles with the reason if the database fails while running (its clients are cut off then); never otherwise. */
  failure: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres compiled to WASM, in this process) served on the Postgres
 * wire protocol, so workerd, Bun and postgres.js reach it like any server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const sockets = new Set<Socket>();
  // The port is claimed before PGlite's slow start, so a taken port fails at once; a client
  // that connects meanwhile waits, paused, until the multiplexer can serve it.
  let serveReady!: (multiplexer: SessionMultiplexer) => void;
  const ready = new Promise<SessionMultiplexer>((resolve) => (serveReady = resolve));
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    void ready.then((multiplexer) => {
      serve(socket, multiplexer, sockets);
      socket.resume();
    });
  });
  await listen(server, host, options.port ?? 0);
  let pglite: PGlite;
  try {
    // pgvector, so chunks get real vector search with an HNSW index (migrations enable it where it is offered).
    pglite = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { vector },
    });
  } catch (error) {
    for (const socket of sockets) socket.destroy();
    server.close();
    throw error;
  }
  const {
    rows: [self],
  } = await pglite.query<{ user: string; database: string }>('select current_user as user, current_database() as database');
  let failed: Error | undefined;
  let reportFailure!: (error: Error) => void;
  const failure = new Promise<Error>((resolve) => (reportFailure = resolve));
  const multiplexer = new SessionMultiplexer(pglite, {
    bootstrapUser: self!.user,
    database: self!.database,
    idleOwnerTimeoutMs: options.idleInTransactionTimeoutMs,
    onFailure: (error) => {
      if (server.listening) server.close();
      // What Postgres tells every other session when one backend's failure takes the server down.
      const crashed = errorResponse('57P02', 'terminating connection because of crash of another server process');
      for (const socket of sockets) {
        socket.end(crashed);
        setTimeout(() => socket.destroy(), 1000).unref();
      }
      failed = error;
      reportFailure(error);
    },
  });
  serveReady(multiplexer);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `postgres://${self!.user}:postgres@${host}:${port}/${self!.database}`,
    port,
    failure,
    async stop() {
      const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      // A failed PGlite has nothing left to write; a unit cut off mid-way may still hold
      // the lock of a healthy one: do not wait forever to close.
      if (!failed) await Promise.race([pglite.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
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
  socket.setNoDelay(true);
  const reader = new FrameReader();
  const client: Client = {
    write: (bytes) => void (socket.writable && socket.write(bytes)),
    end: (bytes) => void (bytes ? socket.end(bytes) : socket.end()),
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
        const startup = frame.kind === 'startup' ? readStartupParameters(frame.bytes) : undefined;
        pending = [];
        previous = previous.then(() => multiplexer.submit(client, unit, holds, startup));
      }
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    sockets.delete(socket);
    void previous.then(() => multiplexer.release(client));
  });
}
