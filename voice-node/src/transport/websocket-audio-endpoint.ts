import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@glyphoxa/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { AUDIO_CLOSE, AudioJoinMessageSchema, MAX_AUDIO_MESSAGE_BYTES, readAudioSocketText } from '@glyphoxa/protocol';
import type { WebSocketTransport } from './websocket-transport.ts';

/**
 * `/audio/<session_id>` on an existing HTTP server (the node's health server): the
 * WebSocket endpoint `websocket` sessions' clients connect to. A client has
 * joinTimeoutMs to send its join message; then it belongs to the session's transport.
 * The wire format is docs/AUDIO_WEBSOCKET.md.
 */

/** A running session's audio: its token (from the assignment) and its transport. */
export interface AudioSessionEntry {
  token: string;
  transport: WebSocketTransport;
}

export type AudioSessionLookup = (sessionId: string) => AudioSessionEntry | undefined;

export interface AudioEndpoint {
  /** Detaches from the server and closes every connection it accepted. */
  close(): Promise<void>;
}

export const AUDIO_PATH_PREFIX = '/audio/';

export interface AudioEndpointOptions {
  /** How long a new connection may take to send its join message. */
  joinTimeoutMs?: number;
}

export function attachAudioEndpoint(
  server: Server,
  lookup: AudioSessionLookup,
  log: Logger,
  options: AudioEndpointOptions = {},
): AudioEndpoint {
  const { joinTimeoutMs = 5000 } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_AUDIO_MESSAGE_BYTES });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const sessionId = path.startsWith(AUDIO_PATH_PREFIX) ? decodeSegment(path.slice(AUDIO_PATH_PREFIX.length)) : undefined;
    if (!sessionId) {
      // Another listener may own this path; with none, nobody will answer but us.
      if (server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => awaitJoin(ws, sessionId));
  };

  const awaitJoin = (ws: WebSocket, sessionId: string) => {
    const timer = setTimeout(() => ws.close(AUDIO_CLOSE.joinTimeout, 'no join message'), joinTimeoutMs);
    ws.once('close', () => clearTimeout(timer));
    ws.on('error', (error) => log.debug('audio socket error before join', { session_id: sessionId, error: String(error) }));
    ws.once('message', (data, isBinary) => {
      clearTimeout(timer);
      if (isBinary) return ws.close(AUDIO_CLOSE.badMessage, 'send a join message first');
      const join = readAudioSocketText(AudioJoinMessageSchema, String(data));
      if (!join) return ws.close(AUDIO_CLOSE.badMessage, 'invalid join message');
      const session = lookup(sessionId);
      if (!session) return ws.close(AUDIO_CLOSE.unknownSession, 'unknown session');
      if (!sameSecret(join.token, session.token)) {
        log.warn('audio client rejected: wrong token', { session_id: sessionId });
        return ws.close(AUDIO_CLOSE.badToken, 'invalid token');
      }
      const speaker: { id: string; name?: string } = { id: join.speaker_id };
      if (join.speaker_name !== undefined) speaker.name = join.speaker_name;
      session.transport.addClient(ws, speaker);
    });
  };

  server.on('upgrade', onUpgrade);
  return {
    close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded && !decoded.includes('/') ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time comparison that does not leak the token's length either. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
