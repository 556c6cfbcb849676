/** Postgres wire protocol framing, just enough to multiplex and pool clients onto shared sessions. */

export const PROTOCOL_V3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

export type Frame =
  /** SSL or GSS encryption request: answered 'N' (plain text) by the server itself. */
  | { kind: 'negotiate' }
  /** A cancel request: PGlite has no backend to signal, so it is dropped. */
  | { kind: 'cancel' }
  | { kind: 'startup'; bytes: Uint8Array }
  | { kind: 'message'; type: string; bytes: Uint8Array };

/**
 * Splits a connection's byte stream into whole frames. Before the startup
 * message frames carry no type byte; after it every message does.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private started: boolean;

  /** `typed`: the stream has no startup phase (a server's side of a connection). */
  constructor(typed = false) {
    this.started = typed;
  }

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.started ? this.readTyped() : this.readUntyped();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private readUntyped(): Frame | null {
    if (this.buffer.length < 8) return null;
    const length = this.buffer.readInt32BE(0);
    if (this.buffer.length < length) return null;
    const code = this.buffer.readInt32BE(4);
    const bytes = new Uint8Array(this.take(length));
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'negotiate' };
    if (code === CANCEL_REQUEST) return { kind: 'cancel' };
    if (code !== PROTOCOL_V3) throw new Error(`unsupported protocol version ${code}`);
    this.started = true;
    return { kind: 'startup', bytes };
  }

  private readTyped(): Frame | null {
    if (this.buffer.length < 5) return null;
    const length = 1 + this.buffer.readInt32BE(1);
    if (this.buffer.length < length) return null;
    const type = String.fromCharCode(this.buffer[0]!);
    return { kind: 'message', type, bytes: new Uint8Array(this.take(length)) };
  }

  private take(length: number): Buffer {
    const head = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return head;
  }
}

/**
 * Where a unit of work ends: after the messages the server answers with
 * ReadyForQuery (startup, Sync, simple Query), or at a Flush, where the client
 * waits for the answers so far (a parameter description) before going on.
 */
export function endsUnit(frame: Frame): boolean {
  return frame.kind === 'startup' || (frame.kind === 'message' && 'SQH'.includes(frame.type));
}

/** A unit ending in Flush leaves an extended query half done: the session stays with its client. */
export function leavesQueryOpen(frame: Frame): boolean {
  return frame.kind === 'message' && frame.type === 'H';
}
