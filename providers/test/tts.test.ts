import type { Voice } from '@glyphoxa/protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTts } from '../src/create-speech.ts';
import type { PcmChunk } from '../src/types.ts';
import { collect, elapsed, endpoint, FAST, KEY, loadElevenLabs, providerError, SHORT_TIMEOUT } from './helpers.ts';
import {
  type RecordedRequest,
  type StandIn,
  type StandInOptions,
  startElevenLabsStandIn,
  startOpenAiStandIn,
  toneFor,
  TTS_SAMPLE_RATE,
} from './stand-ins/index.ts';

const TEXT = 'Well met, traveller. The north road is closed tonight, by order of the baron.';

const voice = (speed: number): Voice => ({ provider: 'any', voice_id: 'grom-voice', pitch: 3, speed });

const vendors: Array<{
  kind: string;
  start: (options: StandInOptions) => Promise<StandIn>;
  keyOf: (request: RecordedRequest) => string | undefined;
  /** The voice, model and speed as they went on the wire. */
  settings: (request: RecordedRequest) => { voice: string | undefined; model: unknown; speed: unknown };
  /** Speeds sent for a voice's 0.5, 1 and 2. */
  speeds: [number, number, number];
}> = [
  {
    kind: 'openai',
    start: startOpenAiStandIn,
    keyOf: (r) => r.headers.authorization,
    settings: (r) => {
      const body = r.body as { voice: string; model: string; speed: number };
      return { voice: body.voice, model: body.model, speed: body.speed };
    },
    speeds: [0.5, 1, 2],
  },
  {
    kind: 'elevenlabs',
    start: startElevenLabsStandIn,
    keyOf: (r) => r.headers['xi-api-key'],
    settings: (r) => {
      const body = r.body as { model_id: string; voice_settings: { speed: number } };
      return { voice: /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(r.path)?.[1], model: body.model_id, speed: body.voice_settings.speed };
    },
    speeds: [0.7, 1, 1.2],
  },
];

beforeAll(loadElevenLabs);

const samplesOf = (chunks: PcmChunk[]) => {
  const all = new Int16Array(chunks.reduce((total, chunk) => total + chunk.samples.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk.samples, offset);
    offset += chunk.samples.length;
  }
  return all;
};

describe.each(vendors)('$kind TTS', ({ kind, start, keyOf, settings, speeds }) => {
  let standIn: StandIn;
  const open = async (options: StandInOptions = {}, resilience = FAST) => {
    standIn = await start({ apiKey: KEY, ...options });
    return createTts(endpoint(kind, standIn.url), resilience);
  };
  afterEach(() => standIn.close());

  it('streams the exact PCM, whole samples only, though the bytes arrive in odd-sized pieces', async () => {
    const tts = await open();
    const chunks = await collect(tts.synthesize({ text: TEXT, voice: voice(1) }));

    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.sampleRate === TTS_SAMPLE_RATE)).toBe(true);
    expect(samplesOf(chunks)).toEqual(toneFor(TEXT));
  });

  it('sends the voice, the model and the key to the base URL it was given', async () => {
    const tts = await open();
    await collect(tts.synthesize({ text: TEXT, voice: voice(1) }));

    expect(standIn.requests).toHaveLength(1);
    expect(settings(standIn.requests[0]!)).toEqual({ voice: 'grom-voice', model: 'model-under-test', speed: 1 });
    expect(keyOf(standIn.requests[0]!)).toMatch(new RegExp(`^(Bearer )?${KEY}$`));
  });

  it("maps the voice's speed into the vendor's range", async () => {
    const tts = await open();
    for (const speed of [0.5, 1, 2]) await collect(tts.synthesize({ text: 'Aye.', voice: voice(speed) }));

    expect(standIn.requests.map((request) => settings(request).speed)).toEqual(speeds);
  });

  it('passes audio on as it arrives', async () => {
    const tts = await open({ latency: { firstByteMs: 0, chunkMs: 10 } });
    const arrivals: number[] = [];
    const begin = performance.now();
    for await (const chunk of tts.synthesize({ text: TEXT, voice: voice(1) })) if (chunk.samples.length) arrivals.push(performance.now() - begin);

    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(150);
  });

  it('retries a 429 and then streams the audio once', async () => {
    const tts = await open();
    standIn.fail({ status: 429 });
    const chunks = await collect(tts.synthesize({ text: TEXT, voice: voice(1) }));

    expect(samplesOf(chunks)).toEqual(toneFor(TEXT));
    expect(standIn.requests).toHaveLength(2);
  });

  it('does not retry once audio reached the caller', async () => {
    const tts = await open({ latency: { firstByteMs: 0, chunkMs: 20 } });
    standIn.fail({ dropAfterChunks: 3 });
    const seen: PcmChunk[] = [];
    const error = await providerError(collect(tts.synthesize({ text: TEXT, voice: voice(1) }), seen));

    expect(error.retryable).toBe(false);
    expect(seen.length).toBeGreaterThan(0);
    expect(standIn.requests).toHaveLength(1);
  });

  it('times out on a server that never answers', async () => {
    const tts = await open({}, SHORT_TIMEOUT);
    standIn.fail({ hang: true }, { hang: true });
    let error: Error | undefined;
    const took = await elapsed(async () => {
      error = await providerError(collect(tts.synthesize({ text: TEXT, voice: voice(1) })));
    });

    expect(error).toMatchObject({ retryable: true, message: `${kind}-tts: no response within 200 ms` });
  });

  it('opens the circuit after repeated failures and then fails fast', async () => {
    standIn = await start({});
    const tts = createTts(endpoint(kind, standIn.url), { ...FAST, retries: 0, breakerThreshold: 2 });
    standIn.fail({ status: 503 }, { status: 503 });
    await providerError(collect(tts.synthesize({ text: TEXT, voice: voice(1) })));
    await providerError(collect(tts.synthesize({ text: TEXT, voice: voice(1) })));
    const error = await providerError(collect(tts.synthesize({ text: TEXT, voice: voice(1) })));

    expect(error.message).toBe(`${kind}-tts: temporarily unavailable after repeated failures`);
    expect(standIn.requests).toHaveLength(2);
  });

  it('does not retry a refused key, nor repeat it in the error', async () => {
    standIn = await start({ apiKey: 'the-right-key' });
    const tts = createTts(endpoint(kind, standIn.url), FAST);
    const error = await providerError(collect(tts.synthesize({ text: TEXT, voice: voice(1) })));

    expect(error).toMatchObject({ provider: `${kind}-tts`, retryable: false });
    expect(error.message).toMatch(/HTTP 401/);
    expect(standIn.requests).toHaveLength(1);
  });
});
