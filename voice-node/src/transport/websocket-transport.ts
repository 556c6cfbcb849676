import type { WebSocket } from 'ws';
import { SILENCE_FRAME } from '../audio/opus.ts';
import {
  SPEAKER_END_SILENCE_MS,
  type AudioTransport,
  type InboundFrame,
  type TransportTarget,
} from './audio-transport.ts';
import { AUDIO_CLOSE, AudioClientMessageSchema, readAudioSocketText, type AudioServerEvent } from '@glyphoxa/protocol';

/**
 * A `websocket` session's audio: browser (or test) clients that joined through the
 * audio endpoint (websocket-audio-endpoint.ts), each one speaker. Inbound binary
 * messages are that speaker's Opus frames; outbound frames and events go to every client.
 */
export interface WebSocketTransport extends AudioTransport {
  /** Takes over a socket whose join was accepted; a second socket for the same speaker replaces the first. */
  addClient(socket: WebSocket, speaker: { id: string; name?: string }): void;
}

/** Beyond this much unsent data a client is too slow: its frames are skipped, not queued without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024;

interface Client {
  socket: WebSocket;
  speakerId: string;
  speakerName?: string;
  /** Set while the speaker's stream is live; firing ends it. */
  silenceTimer?: ReturnType<typeof setTimeout>;
}

export function createWebSocketTransport(target: TransportTarget): WebSocketTransport {
  const log = target.log.with({ transport: 'websocket' });
  const clients = new Map<string, Client>();
  const audioListeners: Array<(frame: InboundFrame) => void> = [];
  const endListeners: Array<(speakerId: string) => void> = [];
  const textListeners: Array<(speaker: { id: string; name?: string }, text: string) => void> = [];
  let left = false;

  const endStream = (client: Client) => {
    if (!client.silenceTimer) return;
    clearTimeout(client.silenceTimer);
    client.silenceTimer = undefined;
    for (const listener of endListeners) listener(client.speakerId);
  };

  const onFrame = (client: Client, opus: Uint8Array) => {
    // Like Discord's receiver: silence frames do not keep a stream alive.
    const silent = opus.length === SILENCE_FRAME.length && opus.every((byte, i) => byte === SILENCE_FRAME[i]);
    if (!silent || !client.silenceTimer) {
      if (client.silenceTimer) clearTimeout(client.silenceTimer);
      client.silenceTimer = setTimeout(() => endStream(client), SPEAKER_END_SILENCE_MS);
    }
    const frame: InboundFrame = { speakerId: client.speakerId, opus };
    if (client.speakerName !== undefined) frame.speakerName = client.speakerName;
    for (const listener of audioListeners) listener(frame);
  };

  const broadcast = (data: Uint8Array | string) => {
    for (const { socket } of clients.values()) {
      if (socket.readyState === socket.OPEN && socket.bufferedAmount < MAX_BUFFERED_BYTES) socket.send(data);
    }
  };

  const sendEvent = (event: AudioServerEvent) => broadcast(JSON.stringify(event));

  return {
    addClient(socket, speaker) {
      if (left) {
        socket.close(AUDIO_CLOSE.unknownSession, 'session ended');
        return;
      }
      const client: Client = { socket, speakerId: speaker.id };
      if (speaker.name !== undefined) client.speakerName = speaker.name;
      const previous = clients.get(speaker.id);
      clients.set(speaker.id, client);
      if (previous) {
        endStream(previous);
        previous.socket.close(AUDIO_CLOSE.replaced, 'speaker joined on another connection');
      }
      socket.on('message', (data, isBinary) => {
        if (clients.get(speaker.id) !== client) return;
        if (isBinary) return onFrame(client, toBytes(data));
        // Text messages this node does not know (a newer client's) are ignored, not fatal.
        const message = readAudioSocketText(AudioClientMessageSchema, String(data));
        if (message) for (const listener of textListeners) listener(speaker, message.text);
      });
      socket.on('close', () => {
        endStream(client);
        if (clients.get(speaker.id) === client) clients.delete(speaker.id);
        log.info('audio client left', { speaker_id: speaker.id });
      });
      socket.on('error', (error) => log.warn('audio client error', { speaker_id: speaker.id, error: String(error) }));
      socket.send(JSON.stringify({ type: 'joined', session_id: target.sessionId, speaker_id: speaker.id } satisfies AudioServerEvent));
      log.info('audio client joined', { speaker_id: speaker.id });
    },
    // Clients come and go on their own; the session is ready for them at once.
    join: async () => {},
    onAudio(listener) {
      audioListeners.push(listener);
    },
    onSpeakerEnd(listener) {
      endListeners.push(listener);
    },
    send(opus) {
      broadcast(opus);
    },
    // Burst boundaries mean nothing to a WebSocket client; npcSpeaking tells it who talks.
    setSpeaking() {},
    npcSpeaking(npc, speaking) {
      sendEvent({ type: 'speaking', npc, speaking });
    },
    transcript(entry) {
      sendEvent({ type: 'transcript', entry });
    },
    onText(listener) {
      textListeners.push(listener);
    },
    // Nothing here can fail for good: clients reconnect by themselves.
    onLost() {},
    async leave() {
      if (left) return;
      left = true;
      for (const client of clients.values()) {
        if (client.silenceTimer) clearTimeout(client.silenceTimer);
        client.socket.close(AUDIO_CLOSE.sessionEnded, 'session ended');
      }
      clients.clear();
    },
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
