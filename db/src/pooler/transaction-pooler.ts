import { createServer, type Socket } from 'node:net';
import { FrameReader, type Frame } from '../wire/framing.ts';
import { authenticationOk, backendKeyData, errorResponse, readyForQuery } from '../wire/messages.ts';
import { SlowTurns } from './slow-turns.ts';
import { Upstream, type Message, type ServerGreeting } from './upstream.ts';

export interface TransactionPooler {
  /** The upstream URL with the pooler's host and port: what clients connect to. */
  url: string;
  close(): Promise<void>;
}

export interface PoolerOptions {
  /** The Postgres to pool, as a postgres:// URL. */
  upstream: string;
  /** Server connections at most. */
  size?: number;
  port?: number;
  /** Each client turn on a server connection that took this long or more is reported, with its parts (slow-turns.ts). */
  slowTurns?: { boundMs: number; report: (line: string) => void };
}

/**
 * What Hyperdrive does for the Worker in production, for local runs: many
 * client connections (every Worker request, every Durable Object) share a few
 * server connections, a transaction at a time. Without it 10,000 tenants'
 * coordinators exhaust Postgres's connection slots (`too many clients`).
 *
 * A client gets a server connection when it sends something and gives it back
 * when the server is ready for a query outside any transaction with nothing
 * outstanding, so statements must not outlive a transaction: clients use
 * unnamed statements (`prepare: false`) and transaction-local settings, as they
 * must behind Hyperdrive. Clients are not authenticated: it listens on loopback only.
 */
export async function startTransactionPooler(options: PoolerOptions): Promise<TransactionPooler> {
  const upstreamUrl = new URL(options.upstream);
  const pool = new UpstreamPool(upstreamUrl, options.size ?? 20);
  // One connection up front: a wrong URL fails here, and clients get its greeting.
  const greeting = await pool.warm();
  const clients = new Set<Socket>();
  let nextProcessId = 1;
  const server = createServer((socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    const slow = options.slowTurns && new SlowTurns(options.slowTurns.boundMs, options.slowTurns.report);
    new ClientSession(socket, pool, greeting, nextProcessId++, slow);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the pooler has no TCP address');
  return {
    url: poolerUrl(options.upstream, address.port),
    close: async () => {
      for (const socket of clients) socket.destroy();
      pool.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The upstream URL (its user, password and database) at the pooler's address: what its clients connect to. */
export function poolerUrl(upstream: string, port: number): string {
  const url = new URL(upstream);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

/** One client connection: greeted by the pooler, its work carried on borrowed server connections. */
class ClientSession {
  private readonly reader = new FrameReader();
  private upstream: Upstream | undefined;
  private acquiring = false;
  /** Messages waiting for a server connection. */
  private readonly waiting: Uint8Array[] = [];
  /** Syncs and simple queries sent whose ReadyForQuery has not come back. */
  private outstanding = 0;
  private lastStatus = 'I';
  private gone = false;
  private readonly socket: Socket;
  private readonly pool: UpstreamPool;
  private readonly slow: SlowTurns | undefined;

  constructor(socket: Socket, pool: UpstreamPool, greeting: ServerGreeting, processId: number, slow?: SlowTurns) {
    this.socket = socket;
    this.pool = pool;
    this.slow = slow;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.reader.push(chunk);
      } catch {
        return this.end();
      }
      // One write to the server per read from the client.
      const forward: Uint8Array[] = [];
      for (const frame of frames) this.onFrame(frame, greeting, processId, forward);
      if (forward.length > 0) this.upstream?.write(Buffer.concat(forward));
    });
    socket.on('close', () => this.end());
    socket.on('error', () => this.end());
  }

  private onFrame(frame: Frame, greeting: ServerGreeting, processId: number, forward: Uint8Array[]): void {
    if (frame.kind === 'negotiate') return void this.socket.write('N');
    if (frame.kind === 'cancel') return this.end();
    if (frame.kind === 'startup') {
      this.socket.write(Buffer.concat([authenticationOk(), ...greeting.parameters, backendKeyData(processId), readyForQuery()]));
      return;
    }
    if (frame.type === 'X') return this.end();
    this.slow?.sent(frame.type, frame.bytes);
    if (frame.type === 'S' || frame.type === 'Q') this.outstanding++;
    if (this.upstream) forward.push(frame.bytes);
    else {
      if (this.waiting.length === 0 && !this.acquiring) this.slow?.asked();
      this.waiting.push(frame.bytes);
      void this.borrow();
    }
  }

  private async borrow(): Promise<void> {
    if (this.acquiring) return;
    this.acquiring = true;
    let upstream: Upstream;
    try {
      upstream = await this.pool.acquire();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '08006';
      this.socket.end(errorResponse(code, `database unavailable: ${(error as Error).message}`));
      return this.end();
    } finally {
      this.acquiring = false;
    }
    if (this.gone) return this.pool.release(upstream);
    this.slow?.got(upstream.turns);
    this.upstream = upstream;
    upstream.onMessages = (messages) => this.fromServer(messages);
    upstream.onClose = () => this.end();
    upstream.write(Buffer.concat(this.waiting.splice(0)));
  }

  private fromServer(messages: Message[]): void {
    this.socket.write(Buffer.concat(messages.map((m) => m.bytes)));
    for (const message of messages) {
      if (message.type !== 'Z') continue;
      this.outstanding = Math.max(0, this.outstanding - 1);
      this.lastStatus = String.fromCharCode(message.bytes[5]!);
    }
    // Outside a transaction with nothing in flight: the connection is free for others.
    if (this.outstanding === 0 && this.lastStatus === 'I' && this.upstream) this.giveBack();
  }

  private giveBack(): void {
    const upstream = this.upstream!;
    this.upstream = undefined;
    upstream.onMessages = undefined;
    upstream.onClose = undefined;
    upstream.turns++;
    this.slow?.done();
    this.pool.release(upstream);
  }

  private end(): void {
    if (this.gone) return;
    this.gone = true;
    this.waiting.length = 0;
    const upstream = this.upstream;
    this.upstream = undefined;
    if (upstream) {
      upstream.onMessages = undefined;
      upstream.onClose = undefined;
      // Mid-transaction or mid-query, the connection's state is this client's: it cannot be shared on.
      if (this.outstanding === 0 && this.lastStatus === 'I') this.pool.release(upstream);
      else this.pool.discard(upstream);
    }
    this.socket.destroy();
  }
}

/** At most `size` server connections, opened on demand and kept; borrowers queue in order. */
class UpstreamPool {
  private readonly idle: Upstream[] = [];
  private readonly waiters: Array<{ resolve: (u: Upstream) => void; reject: (e: Error) => void }> = [];
  private open = 0;
  private closed = false;
  private readonly url: URL;
  private readonly size: number;

  constructor(url: URL, size: number) {
    this.url = url;
    this.size = size;
  }

  async warm(): Promise<ServerGreeting> {
    const { upstream, greeting } = await this.connect();
    this.release(upstream);
    return greeting;
  }

  acquire(): Promise<Upstream> {
    for (let u = this.idle.pop(); u; u = this.idle.pop()) {
      if (!u.closed) return Promise.resolve(u);
      this.open--;
    }
    if (this.open < this.size) return this.connect().then((c) => c.upstream);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(upstream: Upstream): void {
    if (upstream.closed || this.closed) return this.discard(upstream);
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(upstream);
    else this.idle.push(upstream);
  }

  /** Closes a connection whose state cannot be handed on; a waiter gets a fresh one. */
  discard(upstream: Upstream): void {
    upstream.destroy();
    this.open--;
    const waiter = this.waiters.shift();
    if (waiter) this.connect().then((c) => waiter.resolve(c.upstream), waiter.reject);
  }

  close(): void {
    this.closed = true;
    for (const u of this.idle.splice(0)) u.destroy();
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the pooler is closing'));
  }

  private async connect(): Promise<{ upstream: Upstream; greeting: ServerGreeting }> {
    this.open++;
    try {
      return await Upstream.open(this.url);
    } catch (error) {
      this.open--;
      throw error;
    }
  }
}
