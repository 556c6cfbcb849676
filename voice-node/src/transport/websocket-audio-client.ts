import { WebSocket } from 'ws';
import { createFrameClock } from '../audio/frame-clock.ts';
import { AudioServerEventSchema, readAudioSocketText, type AudioClientMessage, type AudioJoinMessage, type AudioServerEvent } from '@glyphoxa/protocol';

/**
 * A client of the node's WebSocket audio endpoint, for tests and benchmarks: joins as
 * one speaker, streams Opus frames paced at 20 ms, and records everything the node
 * sends with its arrival time (performance.now()).
 */

export interface AudioClientOptions {
  /** ws://host:port/audio/<session_id> */
  url: string;
  token: string;
  speakerId: string;
  speakerName?: string;
}

export interface Received<T> {
  at: number;
  value: T;
}

export interface AudioClient {
  /** Opus frames from the node, in arrival order. */
  readonly frames: Array<Received<Uint8Array>>;
  readonly events: Array<Received<AudioServerEvent>>;
  sendFrame(opus: Uint8Array): void;
  /** A line typed instead of said. */
  sendText(text: string): void;
  /** Sends one frame every 20 ms, on a drift-free schedule; resolves after the last. */
  streamFrames(frames: Uint8Array[]): Promise<void>;
  /** The first event (already received or still to come) that matches. */
  waitForEvent(match: (event: AudioServerEvent) => boolean, timeoutMs?: number): Promise<Received<AudioServerEvent>>;
  /** Resolves when the node closes the connection (or close() does). */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export class AudioClientRejected extends Error {
  override name = 'AudioClientRejected';
  readonly code: number;
  constructor(code: number, reason: string) {
    super(`audio endpoint closed the connection: ${code} ${reason}`);
    this.code = code;
  }
}

/** Connects and joins; rejects with AudioClientRejected when the node refuses the join. */
export function connectAudioClient(options: AudioClientOptions): Promise<AudioClient> {
  const socket = new WebSocket(options.url);
  const frames: Array<Received<Uint8Array>> = [];
  const events: Array<Received<AudioServerEvent>> = [];
  const waiters = new Set<() => void>();
  let closeInfo: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => {
      closeInfo = { code, reason: reason.toString() };
      for (const wake of waiters) wake();
      resolve(closeInfo);
    }),
  );

  socket.on('message', (data, isBinary) => {
    const at = performance.now();
    if (isBinary) {
      frames.push({ at, value: new Uint8Array(data as Buffer) });
      return;
    }
    const event = readAudioSocketText(AudioServerEventSchema, String(data));
    if (event) events.push({ at, value: event });
    for (const wake of waiters) wake();
  });

  const waitForEvent = (match: (event: AudioServerEvent) => boolean, timeoutMs = 5000) =>
    new Promise<Received<AudioServerEvent>>((resolve, reject) => {
      const check = () => {
        const found = events.find((event) => match(event.value));
        if (found) {
          cleanup();
          resolve(found);
        } else if (closeInfo) {
          cleanup();
          reject(new AudioClientRejected(closeInfo.code, closeInfo.reason));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error('timed out waiting for an audio event'));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const client: AudioClient = {
    frames,
    events,
    sendFrame(opus) {
      if (socket.readyState === socket.OPEN) socket.send(opus);
    },
    sendText(text) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'text', text } satisfies AudioClientMessage));
    },
    streamFrames(toSend) {
      return new Promise((resolve) => {
        if (toSend.length === 0) return resolve();
        const clock = createFrameClock((tick) => {
          const frame = toSend[tick.index];
          if (frame) client.sendFrame(frame);
          if (tick.index >= toSend.length - 1) {
            clock.stop();
            resolve();
          }
        });
        clock.start();
      });
    },
    waitForEvent,
    closed,
    async close() {
      socket.close();
      await closed;
    },
  };

  return new Promise((resolve, reject) => {
    // Kept for the socket's life: an unhandled 'error' would throw; 'close' follows and reports.
    socket.on('error', reject);
    socket.once('open', () => {
      const join: AudioJoinMessage = { type: 'join', token: options.token, speaker_id: options.speakerId };
      if (options.speakerName !== undefined) join.speaker_name = options.speakerName;
      socket.send(JSON.stringify(join));
    });
    waitForEvent((event) => event.type === 'joined').then(() => resolve(client), reject);
  });
}
