import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@glyphoxa/protocol';
import { SPEECH_SAMPLE_RATE } from '../../src/audio/format.ts';
import { createMixer } from '../../src/audio/mixer.ts';
import { FRAME_LENGTH } from '../../src/audio/opus.ts';
import { createSpeakerDecoders } from '../../src/audio/speaker-decoders.ts';
import { loadSileroModel, type SileroModel } from '../../src/audio/vad/silero.ts';
import type { SpeechEnd } from '../../src/audio/vad/voice-activity-detector.ts';
import type { InboundFrame, TransportTarget } from '../../src/transport/audio-transport.ts';
import { AudioClientRejected, connectAudioClient, type AudioClient } from '../../src/transport/websocket-audio-client.ts';
import { attachAudioEndpoint, type AudioEndpoint } from '../../src/transport/websocket-audio-endpoint.ts';
import { AUDIO_CLOSE } from '@glyphoxa/protocol';
import { createWebSocketTransport, type WebSocketTransport } from '../../src/transport/websocket-transport.ts';
import { fixtureOpusFrames } from './fixture-frames.ts';

const SESSION = '5b0c6a7e-3f1f-4a53-9b8e-1d2c3b4a5f60';
const TOKEN = 'tok_websocket_audio';
const log = createLogger({}, { sink: () => {} });

let server: Server;
let port: number;
let endpoint: AudioEndpoint;
let transport: WebSocketTransport;
let sessions: Map<string, { token: string; transport: WebSocketTransport }>;
const clients: AudioClient[] = [];

const target: TransportTarget = { sessionId: SESSION, tenantId: 'demo', guildId: '', channelId: '', log };
const url = (sessionId = SESSION) => `ws://127.0.0.1:${port}/audio/${sessionId}`;

async function join(speakerId: string, options: { token?: string; sessionId?: string; speakerName?: string } = {}) {
  const client = await connectAudioClient({
    url: url(options.sessionId),
    token: options.token ?? TOKEN,
    speakerId,
    ...(options.speakerName ? { speakerName: options.speakerName } : {}),
  });
  clients.push(client);
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<AudioClientRejected> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(AudioClientRejected);
  return error as AudioClientRejected;
}

/** Opens a raw socket (no join helper) for protocol-violation cases. */
async function rawSocket(path: string) {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('open', resolve));
  return { socket, closed };
}

beforeEach(async () => {
  server = createServer((_, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  transport = createWebSocketTransport(target);
  await transport.join();
  sessions = new Map([[SESSION, { token: TOKEN, transport }]]);
  endpoint = attachAudioEndpoint(server, (id) => sessions.get(id), log, { joinTimeoutMs: 300 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await transport.leave();
  await endpoint.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('WebSocket audio endpoint: joining', () => {
  it('accepts a join with the session token and acknowledges it', async () => {
    const client = await join('player-1', { speakerName: 'Alice' });
    expect(client.events[0]?.value).toEqual({ type: 'joined', session_id: SESSION, speaker_id: 'player-1' });
  });

  it('closes 4401 for a wrong token and 4404 for an unknown session', async () => {
    expect((await rejection(join('p', { token: 'wrong' }))).code).toBe(AUDIO_CLOSE.badToken);
    expect((await rejection(join('p', { sessionId: 'no-such-session' }))).code).toBe(AUDIO_CLOSE.unknownSession);
  });

  it('closes 4400 for an invalid join or audio before the join, 4408 when no join comes', async () => {
    const invalid = await rawSocket(`/audio/${SESSION}`);
    invalid.socket.send(JSON.stringify({ type: 'join', token: TOKEN }));
    expect(await invalid.closed).toEqual({ code: AUDIO_CLOSE.badMessage, reason: 'invalid join message' });
    const notJson = await rawSocket(`/audio/${SESSION}`);
    notJson.socket.send('{');
    expect((await notJson.closed).code).toBe(AUDIO_CLOSE.badMessage);
    const early = await rawSocket(`/audio/${SESSION}`);
    early.socket.send(new Uint8Array([1, 2, 3]));
    expect((await early.closed).code).toBe(AUDIO_CLOSE.badMessage);
    const silent = await rawSocket(`/audio/${SESSION}`);
    expect((await silent.closed).code).toBe(AUDIO_CLOSE.joinTimeout);
  });

  it('answers 404 to upgrades on other paths', async () => {
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`);
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_, response) => resolve(response.statusCode));
      socket.once('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
  });

  it('lets a second connection of the same speaker replace the first (a reload)', async () => {
    const first = await join('player-1');
    await join('player-1');
    expect(await first.closed).toMatchObject({ code: AUDIO_CLOSE.replaced });
  });
});

describe('WebSocket transport: audio', () => {
  let model: SileroModel;
  beforeAll(async () => {
    model = await loadSileroModel();
  });
  afterAll(() => model.close());

  it('delivers each speaker’s paced frames, ends their stream when they stop, and VAD hears both', async () => {
    const received = new Map<string, InboundFrame[]>();
    const ended: string[] = [];
    transport.onAudio((frame) => received.set(frame.speakerId, [...(received.get(frame.speakerId) ?? []), frame]));
    transport.onSpeakerEnd((speakerId) => ended.push(speakerId));

    // The inbound pipeline's first stages: decode per speaker (to 16 kHz mono), VAD.
    const decoders = createSpeakerDecoders();
    const utterances = new Map<string, SpeechEnd[]>();
    const detectors = new Map<string, ReturnType<SileroModel['createDetector']>>();
    const detectorFor = (speakerId: string) => {
      let detector = detectors.get(speakerId);
      if (!detector) {
        detector = model.createDetector({
          onSpeechStart: () => {},
          onSpeechEnd: (end) => utterances.set(speakerId, [...(utterances.get(speakerId) ?? []), end]),
        });
        detectors.set(speakerId, detector);
      }
      return detector;
    };
    transport.onAudio((frame) => {
      const pcm = decoders.decode(frame.speakerId, frame.opus);
      const detector = detectorFor(frame.speakerId);
      if (pcm) detector.push(pcm);
    });

    const alice = await join('alice', { speakerName: 'Alice' });
    const bob = await join('bob');
    const aliceFrames = fixtureOpusFrames('grimjaw-what-do-you-sell');
    const bobFrames = fixtureOpusFrames('everyone-stop');
    const started = performance.now();
    await Promise.all([alice.streamFrames(aliceFrames), bob.streamFrames(bobFrames)]);
    const elapsed = performance.now() - started;
    // Paced, not dumped: ~20 ms per frame (generous bounds).
    expect(elapsed).toBeGreaterThan(aliceFrames.length * 20 * 0.8);
    await expect.poll(() => ended.sort(), { timeout: 3000 }).toEqual(['alice', 'bob']);

    expect(received.get('alice')).toHaveLength(aliceFrames.length);
    expect(received.get('bob')).toHaveLength(bobFrames.length);
    expect(received.get('alice')?.[0]?.speakerName).toBe('Alice');
    expect(received.get('bob')?.[0]?.speakerName).toBeUndefined();
    expect(decoders.dropped).toBe(0);

    for (const [speakerId, detector] of detectors) {
      await detector.end();
      expect(utterances.get(speakerId), speakerId).toHaveLength(1);
      expect((utterances.get(speakerId)?.[0]?.samples.length ?? 0) / SPEECH_SAMPLE_RATE).toBeGreaterThan(0.8);
    }
  });

  it('sends the mixer’s frames and NPC speaking events to every client', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const mixer = createMixer(transport);
    const utterance = mixer.play('Grimjaw');
    utterance.write(new Int16Array(FRAME_LENGTH * 10).fill(1000));
    utterance.end();
    for (const client of [alice, bob]) {
      await client.waitForEvent((event) => event.type === 'speaking' && !event.speaking, 3000);
    }
    await expect.poll(() => alice.frames.length, { timeout: 2000 }).toBe(15);
    expect(bob.frames.length).toBe(15);
    expect(alice.events.map((event) => event.value)).toEqual([
      { type: 'joined', session_id: SESSION, speaker_id: 'alice' },
      { type: 'speaking', npc: 'Grimjaw', speaking: true },
      { type: 'speaking', npc: 'Grimjaw', speaking: false },
    ]);
    // Paced at 20 ms: 15 frames span ~280 ms (generous bounds).
    const span = (alice.frames.at(-1)?.at ?? 0) - (alice.frames[0]?.at ?? 0);
    expect(span).toBeGreaterThan(200);
    mixer.close();
  });

  it('closes every client with 1001 when the session leaves, and refuses joins after', async () => {
    const alice = await join('alice');
    await transport.leave();
    await transport.leave();
    expect(await alice.closed).toEqual({ code: AUDIO_CLOSE.sessionEnded, reason: 'session ended' });
    expect((await rejection(join('bob'))).code).toBe(AUDIO_CLOSE.unknownSession);
  });

  it('endpoint.close() drops its connections', async () => {
    const alice = await join('alice');
    await endpoint.close();
    expect((await alice.closed).code).toBe(1006);
    endpoint = attachAudioEndpoint(server, () => undefined, log);
  });
});
