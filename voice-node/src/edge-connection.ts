import {
  parseEdgeMessage,
  PROTOCOL_VERSION,
  type EdgeError,
  type EdgeMessage,
  type Hello,
  type NodeMessage,
  type Welcome,
} from '@glyphoxa/protocol';
import { createBackoff, type Backoff } from './backoff.ts';
import { errorMessage, type Logger } from '@glyphoxa/protocol';
import type { Metrics } from './metrics.ts';

/** A connection up this long resets the backoff. */
const STABLE_AFTER_MS = 10_000;
/** Messages kept while disconnected; beyond this the oldest are dropped. */
const OUTBOX_LIMIT = 1000;
/** How long a clean close may take before we stop waiting for the edge. */
const CLOSE_TIMEOUT_MS = 2000;

/** The edge messages the rest of the node handles; the link's own (`welcome`, `error`) stay here. */
export type SessionMessage = Exclude<EdgeMessage, { type: 'welcome' | 'error' }>;

export interface EdgeConnectionOptions {
  /** ws(s) URL of `/nodes/connect`. */
  url: string;
  token: string;
  hello: Omit<Hello, 'type' | 'protocol'>;
  /** The running session ids, read for every heartbeat. */
  sessions: () => string[];
  onMessage: (message: SessionMessage) => void | Promise<void>;
  /** An `error` from the edge; true when it was handled (a refused transcript batch), else it is logged. */
  onError?: (error: EdgeError) => boolean;
  log: Logger;
  metrics: Metrics;
  backoff?: Backoff;
}

export interface EdgeConnection {
  /** Sends now when welcomed, else queues until the next `welcome`. */
  send(message: NodeMessage): void;
  /** True between `welcome` and the socket closing. */
  isConnected(): boolean;
  /** Closes cleanly (code 1000) and stops reconnecting. */
  close(): Promise<void>;
}

/** Bun reports a refused upgrade only in the error text, e.g. "Expected 101 status code: 401". */
const UPGRADE_STATUS = /Expected 101 status code: (\d{3})/;

/**
 * The node's one WebSocket to the edge: hello/welcome handshake, heartbeats,
 * validation of everything received, and reconnection with jittered backoff.
 */
export function connectToEdge(options: EdgeConnectionOptions): EdgeConnection {
  const { url, token, log, metrics } = options;
  const backoff = options.backoff ?? createBackoff();
  const outbox: NodeMessage[] = [];
  let socket: WebSocket | undefined;
  let welcomed = false;
  let closing = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let onClosed: (() => void) | undefined;

  const write = (message: NodeMessage) => {
    socket?.send(JSON.stringify(message));
    metrics.countMessage('out', message.type);
  };

  const send = (message: NodeMessage) => {
    if (welcomed) return write(message);
    outbox.push(message);
    if (outbox.length > OUTBOX_LIMIT) {
      outbox.shift();
      log.warn('outbox full: dropped the oldest message');
    }
  };

  const sendHeartbeat = () => write({ type: 'heartbeat', sessions: options.sessions() });

  const onWelcome = (welcome: Welcome) => {
    welcomed = true;
    const interval = welcome.heartbeat_interval_ms;
    log.info('connected to edge', { pool: welcome.pool, heartbeat_interval_ms: interval });
    for (const message of outbox.splice(0)) write(message);
    // Right away, so the edge reconciles its sessions with ours after a reconnect.
    sendHeartbeat();
    clearInterval(heartbeat);
    heartbeat = setInterval(sendHeartbeat, interval);
    timers.push(setTimeout(() => backoff.reset(), STABLE_AFTER_MS));
  };

  const receive = (data: unknown) => {
    const parsed = parseEdgeMessage(data);
    if (!parsed.ok) {
      metrics.countMessage('in', 'invalid');
      log.warn('invalid message from edge', { error: parsed.error, message_type: parsed.context.type });
      const { request_id } = parsed.context;
      if (request_id) {
        write({ type: 'reply', request_id, ok: false, error: { code: 'invalid_message', message: parsed.error.message } });
      }
      return;
    }
    const message = parsed.message;
    metrics.countMessage('in', message.type);
    if (message.type === 'welcome') return onWelcome(message);
    if (message.type === 'error') {
      if (options.onError?.(message)) return;
      // A refused hello (wrong node id for this token, unsupported protocol) needs the operator.
      const level = message.request_type === 'hello' ? 'error' : 'warn';
      const { code, message: error, field, request_type } = message;
      return log[level]('edge rejected a message', { code, error, field, request_type });
    }
    Promise.resolve(options.onMessage(message)).catch((err: unknown) =>
      log.error('handling edge message failed', { message_type: message.type, error: errorMessage(err) }),
    );
  };

  const connect = () => {
    let failure: string | undefined;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    } catch (err) {
      log.error('cannot open edge connection', { error: errorMessage(err) });
      return scheduleReconnect();
    }
    socket = ws;
    ws.onopen = () => {
      log.debug('edge socket open, sending hello');
      write({ type: 'hello', protocol: PROTOCOL_VERSION, ...options.hello });
    };
    ws.onmessage = (event) => receive(event.data);
    ws.onerror = (event) => {
      failure = (event as Event & { message?: string }).message;
    };
    ws.onclose = (event) => {
      socket = undefined;
      welcomed = false;
      clearInterval(heartbeat);
      for (const timer of timers.splice(0)) clearTimeout(timer);
      if (closing) return onClosed?.();
      const status = failure?.match(UPGRADE_STATUS)?.[1];
      const delay = scheduleReconnect();
      if (status === '401' || status === '403') {
        log.error('node token refused by the edge; check NODE_TOKEN', { status: Number(status), retry_in_ms: delay });
      } else {
        log.warn('edge connection closed', { code: event.code, reason: event.reason, error: failure, retry_in_ms: delay });
      }
    };
  };

  const scheduleReconnect = (): number => {
    const delay = backoff.next();
    timers.push(
      setTimeout(() => {
        metrics.countReconnect();
        connect();
      }, delay),
    );
    return delay;
  };

  connect();

  return {
    send,
    isConnected: () => welcomed,
    close() {
      closing = true;
      for (const timer of timers.splice(0)) clearTimeout(timer);
      clearInterval(heartbeat);
      const open = socket;
      if (!open) return Promise.resolve();
      return new Promise((resolve) => {
        const done = setTimeout(resolve, CLOSE_TIMEOUT_MS);
        onClosed = () => {
          clearTimeout(done);
          resolve();
        };
        open.close(1000, 'node shutting down');
      });
    },
  };
}
