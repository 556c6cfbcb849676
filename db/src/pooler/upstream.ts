import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { FrameReader, type Frame } from '../wire/framing.ts';
import { readErrorFields, startupMessage, typedMessage } from '../wire/messages.ts';

/** How the pooler's server connections show in `pg_stat_activity`. */
export const POOLER_APPLICATION_NAME = 'glyphoxa-pooler';

/** What the server told the first connection about itself, replayed to every client. */
export interface ServerGreeting {
  /** ParameterStatus messages (server_version, client_encoding, …), raw. */
  parameters: Uint8Array[];
}

export type Message = Extract<Frame, { kind: 'message' }>;

/**
 * One authenticated server connection of the pool. Messages from the server go
 * to whoever holds it (`onMessages`, a read's worth at a time); a connection the
 * server closes is dead.
 */
export class Upstream {
  onMessages: ((messages: Message[]) => void) | undefined;
  onClose: (() => void) | undefined;
  closed = false;
  /** Client turns it has carried (transaction-pooler.ts): 0 while its server session is new. */
  turns = 0;
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('close', () => {
      this.closed = true;
      this.onClose?.();
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** Connects and authenticates (trust, cleartext, md5 or SCRAM-SHA-256) as the URL's user; named as its `application_name`, if it has one. */
  static open(url: URL, timeoutMs = 5000): Promise<{ upstream: Upstream; greeting: ServerGreeting }> {
    const user = decodeURIComponent(url.username || 'postgres');
    const password = decodeURIComponent(url.password);
    const database = decodeURIComponent(url.pathname.slice(1) || user);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port || 5432), noDelay: true });
      const upstream = new Upstream(socket);
      const reader = new FrameReader(true);
      const parameters: Uint8Array[] = [];
      let scram: ScramClient | undefined;
      const timer = setTimeout(() => fail(new Error(`no answer from ${url.host} within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const greeted = (frame: Message) => {
        const body = Buffer.from(frame.bytes.subarray(5));
        switch (frame.type) {
          case 'R': {
            const code = body.readInt32BE(0);
            if (code === 0) return;
            if (code === 3) return socket.write(typedMessage('p', Buffer.from(`${password}\0`)));
            if (code === 5) {
              const inner = createHash('md5').update(password + user).digest('hex');
              const outer = createHash('md5').update(inner).update(body.subarray(4, 8)).digest('hex');
              return socket.write(typedMessage('p', Buffer.from(`md5${outer}\0`)));
            }
            if (code === 10) {
              scram = new ScramClient(password);
              return socket.write(scram.initialResponse());
            }
            if (code === 11 && scram) return socket.write(scram.finalResponse(body.subarray(4).toString('utf8')));
            if (code === 12) return;
            return fail(new Error(`unsupported authentication method ${code}`));
          }
          case 'S':
            parameters.push(frame.bytes);
            return;
          case 'E': {
            const fields = readErrorFields(body);
            const error = Object.assign(new Error(fields.M ?? 'connection refused'), { code: fields.C });
            return fail(error);
          }
          case 'Z':
            clearTimeout(timer);
            socket.off('data', onData);
            socket.off('error', fail);
            socket.on('data', (chunk: Buffer) => {
              const messages = reader.push(chunk).filter((f): f is Message => f.kind === 'message');
              if (messages.length > 0) upstream.onMessages?.(messages);
            });
            socket.on('error', () => upstream.destroy());
            return resolve({ upstream, greeting: { parameters } });
        }
      };
      const onData = (chunk: Buffer) => {
        try {
          for (const frame of reader.push(chunk)) if (frame.kind === 'message') greeted(frame);
        } catch (error) {
          fail(error as Error);
        }
      };
      socket.on('data', onData);
      socket.on('error', fail);
      socket.on('connect', () => socket.write(startupMessage({ user, database, application_name: url.searchParams.get('application_name') ?? POOLER_APPLICATION_NAME })));
    });
  }
}

/** The client side of SCRAM-SHA-256 (RFC 5802/7677), as Postgres speaks it. */
class ScramClient {
  private readonly nonce = randomBytes(18).toString('base64');
  private readonly password: string;
  private firstBare = '';

  constructor(password: string) {
    this.password = password;
  }

  initialResponse(): Buffer {
    this.firstBare = `n=*,r=${this.nonce}`;
    const data = Buffer.from(`n,,${this.firstBare}`);
    const mechanism = Buffer.from('SCRAM-SHA-256\0');
    const length = Buffer.alloc(4);
    length.writeInt32BE(data.length);
    return typedMessage('p', Buffer.concat([mechanism, length, data]));
  }

  finalResponse(serverFirst: string): Buffer {
    const fields = Object.fromEntries(serverFirst.split(',').map((part) => [part[0], part.slice(2)]));
    if (!fields.r?.startsWith(this.nonce) || !fields.s || !fields.i) throw new Error('malformed SCRAM challenge');
    const salted = pbkdf2Sync(this.password, Buffer.from(fields.s, 'base64'), Number(fields.i), 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=biws,r=${fields.r}`;
    const signature = createHmac('sha256', storedKey).update(`${this.firstBare},${serverFirst},${withoutProof}`).digest();
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
    return typedMessage('p', Buffer.from(`${withoutProof},p=${proof.toString('base64')}`));
  }
}
