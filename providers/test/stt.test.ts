import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStt } from '../src/create-speech.ts';
import type { SttStream } from '../src/types.ts';
import { elapsed, endpoint, FAST, KEY, loadElevenLabs, providerError, SHORT_TIMEOUT } from './helpers.ts';
import {
  type DeepgramSession,
  type MultipartBody,
  type RealtimeTranscriptionSession,
  type RecordedRequest,
  type ScribeSession,
  type StandIn,
  type StandInOptions,
  startDeepgramStandIn,
  startElevenLabsStandIn,
  startOpenAiStandIn,
  type TranscriptScript,
} from './stand-ins/index.ts';

/** 1.5 s of a deterministic waveform, negative samples included. */
const AUDIO = Int16Array.from({ length: 24_000 }, (_, i) => Math.round(12_000 * Math.sin(i / 7)));

type Start = (options: StandInOptions & { transcript?: TranscriptScript }) => Promise<StandIn>;

const vendors: Array<{
  kind: string;
  start: Start;
  keyOf: (request: RecordedRequest) => string | undefined;
  /** Where the utterance's language and model went on the wire (the first request: streamed where the vendor streams). */
  settings: (request: RecordedRequest) => { language: string | undefined; model: string | undefined };
  model: string;
}> = [
  {
    kind: 'openai',
    start: startOpenAiStandIn,
    keyOf: (r) => r.headers.authorization,
    settings: (r) => {
      const { fields } = r.body as MultipartBody;
      return { language: fields.language, model: fields.model };
    },
    model: 'model-under-test',
  },
  {
    kind: 'deepgram',
    start: startDeepgramStandIn,
    keyOf: (r) => r.headers.authorization,
    settings: (r) => ({ language: r.query.language, model: r.query.model }),
    model: 'model-under-test',
  },
  {
    kind: 'elevenlabs',
    start: startElevenLabsStandIn,
    keyOf: (r) => r.headers['xi-api-key'],
    settings: (r) => ({ language: r.query.language_code, model: r.query.model_id }),
    // The realtime sibling of the configured model.
    model: 'model-under-test_realtime',
  },
];

beforeAll(loadElevenLabs);

/** Writes the audio in 20 ms frames, as the voice pipeline does. */
function speak(stream: SttStream, audio = AUDIO): void {
  for (let offset = 0; offset < audio.length; offset += 320) stream.write(audio.subarray(offset, offset + 320));
}

describe.each(vendors)('$kind STT', ({ kind, start, keyOf, settings, model }) => {
  let standIn: StandIn;
  let heard: Int16Array[];
  const open = async (options: StandInOptions = {}, resilience = FAST) => {
    heard = [];
    standIn = await start({
      apiKey: KEY,
      transcript: (samples, { final }) => {
        if (final) heard.push(samples);
        return `Hail, stranger. I heard ${samples.length} samples.`;
      },
      ...options,
    });
    return createStt(endpoint(kind, standIn.url), resilience);
  };
  afterEach(() => standIn.close());

  it('transcribes the whole utterance and bills its seconds', async () => {
    const stt = await open();
    const stream = stt.open({ language: 'de' });
    speak(stream);
    const result = await stream.finish();

    expect(result).toEqual({ text: `Hail, stranger. I heard ${AUDIO.length} samples.`, seconds: 1.5 });
    expect(heard).toHaveLength(1);
    expect(sameSamples(heard[0]!, AUDIO)).toBe(true);
    expect(standIn.requests).toHaveLength(1);
    expect(settings(standIn.requests[0]!)).toEqual({ language: 'de', model });
    expect(keyOf(standIn.requests[0]!)).toMatch(new RegExp(`^(Bearer |Token )?${KEY}$`));
  });

  it('retries a 503 with the same audio', async () => {
    const stt = await open();
    standIn.fail({ status: 503 });
    const stream = stt.open({});
    speak(stream);
    const result = await stream.finish();

    expect(result.text).toBe(`Hail, stranger. I heard ${AUDIO.length} samples.`);
    expect(heard).toHaveLength(1);
    expect(sameSamples(heard[0]!, AUDIO)).toBe(true);
    expect(standIn.requests).toHaveLength(2);
  });

  it('times out on a server that never answers, counting from the end of the utterance', async () => {
    const stt = await open({}, { ...SHORT_TIMEOUT, retries: 0 });
    // A streaming vendor's stream times out first, then the upload it falls back to.
    const attempts = stt.streaming ? 2 : 1;
    standIn.fail({ hang: true }, { hang: true });
    const stream = stt.open({});
    speak(stream);
    // Speaking takes longer than the timeout; that must not count.
    await new Promise((resolve) => setTimeout(resolve, 300));
    let error: Error | undefined;
    const took = await elapsed(async () => {
      error = await providerError(stream.finish());
    });

    expect(error).toMatchObject({ retryable: true, message: `${kind}-stt: no response within 200 ms` });
    expect(took).toBeGreaterThanOrEqual(attempts * 200 - 10);
    expect(standIn.requests).toHaveLength(attempts);
  });

  it('opens the circuit after repeated failures and then fails fast', async () => {
    standIn = await start({});
    const stt = createStt(endpoint(kind, standIn.url), { ...FAST, retries: 0, breakerThreshold: 2 });
    standIn.fail({ status: 502 }, { status: 502 });
    for (let call = 0; call < 3; call++) {
      const stream = stt.open({});
      speak(stream);
      const error = await providerError(stream.finish());
      if (call === 2) expect(error.message).toBe(`${kind}-stt: temporarily unavailable after repeated failures`);
    }

    expect(standIn.requests).toHaveLength(2);
  });

  it('does not retry a refused key, nor repeat it in the error', async () => {
    standIn = await start({ apiKey: 'the-right-key' });
    const stt = createStt(endpoint(kind, standIn.url), FAST);
    const stream = stt.open({});
    speak(stream);
    const error = await providerError(stream.finish());

    expect(error).toMatchObject({ provider: `${kind}-stt`, retryable: false });
    expect(error.message).toMatch(/HTTP 401/);
    expect(standIn.requests).toHaveLength(1);
  });

  it('drops an aborted utterance', async () => {
    const stt = await open();
    const stream = stt.open({});
    speak(stream);
    stream.abort();

    await expect(stream.finish()).rejects.toMatchObject({ name: 'AbortError' });
    expect(heard).toEqual([]);
  });
});

describe('batch STT uploads', () => {
  it('sends nothing for an empty utterance', async () => {
    const standIn = await startOpenAiStandIn();
    const stream = createStt(endpoint('openai', standIn.url), FAST).open({});

    expect(await stream.finish()).toEqual({ text: '', seconds: 0 });
    expect(standIn.requests).toHaveLength(0);
    await standIn.close();
  });

  it('uploads a 16 kHz mono 16-bit WAV', async () => {
    const standIn = await startOpenAiStandIn();
    const stream = createStt(endpoint('openai', standIn.url), FAST).open({});
    speak(stream);
    await stream.finish();
    const file = (standIn.requests[0]!.body as MultipartBody).files.file!;

    expect(file).toMatchObject({ name: 'utterance.wav', type: 'audio/wav' });
    expect(file.bytes.length).toBe(44 + AUDIO.length * 2);
    await standIn.close();
  });
});

describe('Deepgram streaming', () => {
  let standIn: StandIn;
  afterEach(() => standIn.close());

  const session = (index: number) => standIn.requests[index]!.body as DeepgramSession;

  it('streams audio while the speaker talks with interim transcripts, and Finalize ends it; finals are joined', async () => {
    standIn = await startDeepgramStandIn({ transcript: (samples, { final }) => (final ? 'Hail, stranger. Sit by the fire!' : `heard ${samples.length}`) });
    const stt = createStt(endpoint('deepgram', standIn.url), FAST);
    const partials: string[] = [];
    const stream = stt.open({ onPartial: (text) => partials.push(text) });
    speak(stream, AUDIO.subarray(0, 8000));
    await expect.poll(() => session(0)?.audioBytes, { timeout: 2_000, interval: 10 }).toBe(16_000);
    expect(session(0).controls).toEqual([]);
    // One interim for each 100 ms of audio the stand-in heard.
    await expect.poll(() => partials.length, { timeout: 2_000, interval: 10 }).toBe(5);
    expect(partials[0]).toBe('heard 1600');
    speak(stream, AUDIO.subarray(8000));
    const result = await stream.finish();

    expect(stt.streaming).toBe(true);
    expect(result).toEqual({ text: 'Hail, stranger. Sit by the fire!', seconds: 1.5 });
    expect(partials.at(-1)).toBe('Hail, stranger. Sit by the fire!');
    expect(session(0).audioBytes).toBe(AUDIO.length * 2);
    // The connection is closed once the final is in.
    await expect.poll(() => session(0).controls, { timeout: 2_000, interval: 10 }).toEqual([{ type: 'Finalize' }, { type: 'CloseStream' }]);
    expect(standIn.requests[0]!.query).toMatchObject({ encoding: 'linear16', sample_rate: '16000', channels: '1', interim_results: 'true' });
  });

  it('falls back to the prerecorded API with the whole utterance when the connection drops mid-utterance', async () => {
    const finals: Int16Array[] = [];
    standIn = await startDeepgramStandIn({
      transcript: (samples, { final }) => {
        if (final) finals.push(samples);
        return 'Hail, stranger.';
      },
    });
    standIn.fail({ dropAfterChunks: 5 });
    const stt = createStt(endpoint('deepgram', standIn.url), FAST);
    const stream = stt.open({});
    speak(stream, AUDIO.subarray(0, 3200));
    await new Promise((resolve) => setTimeout(resolve, 100));
    speak(stream, AUDIO.subarray(3200));

    expect(await stream.finish()).toEqual({ text: 'Hail, stranger.', seconds: 1.5 });
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/listen', 'POST /v1/listen']);
    expect(finals).toHaveLength(1);
    expect(sameSamples(finals[0]!, AUDIO)).toBe(true);
    // A dropped connection is no reason to stop streaming the next utterance.
    expect(stt.streaming).toBe(true);
  });

  it('stops asking a server without the live API to stream', async () => {
    standIn = await startDeepgramStandIn({ transcript: () => 'Aye.' });
    standIn.fail({ status: 404 });
    const stt = createStt(endpoint('deepgram', standIn.url), FAST);
    for (let turn = 0; turn < 2; turn++) {
      const stream = stt.open({});
      speak(stream);
      expect((await stream.finish()).text).toBe('Aye.');
    }

    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/listen', 'POST /v1/listen', 'POST /v1/listen']);
    expect(stt.streaming).toBe(false);
  });

  it('accepts an https base URL, as tenants write it', async () => {
    standIn = await startDeepgramStandIn({ transcript: () => 'Aye.' });
    const stream = createStt(endpoint('deepgram', standIn.url.replace(/^ws/, 'http')), FAST).open({});
    speak(stream);

    expect((await stream.finish()).text).toBe('Aye.');
  });
});

describe('ElevenLabs realtime', () => {
  let standIn: StandIn;
  afterEach(() => standIn.close());

  it('streams audio as it is written, with partial transcripts, and one commit at the end', async () => {
    standIn = await startElevenLabsStandIn({ transcript: (samples, { final }) => (final ? 'Well met, traveller.' : `heard ${samples.length}`) });
    const partials: string[] = [];
    const stt = createStt(endpoint('elevenlabs', standIn.url, { model: 'scribe_v2' }), FAST);
    const stream = stt.open({ onPartial: (text) => partials.push(text) });
    speak(stream, AUDIO.subarray(0, 8000));
    await expect.poll(() => partials.length, { timeout: 3_000, interval: 10 }).toBe(5);
    const scribe = () => standIn.requests[0]!.body as ScribeSession;
    expect(scribe().commits).toBe(0);
    speak(stream, AUDIO.subarray(8000));

    expect(await stream.finish()).toEqual({ text: 'Well met, traveller.', seconds: 1.5 });
    expect(scribe()).toMatchObject({ audioBytes: AUDIO.length * 2, commits: 1 });
    expect(standIn.requests[0]!.query).toMatchObject({ model_id: 'scribe_v2_realtime', audio_format: 'pcm_16000', commit_strategy: 'manual' });
    expect(partials[0]).toBe('heard 1600');
  });

  it('finishes with the batch API, from the first sample, when the connection drops mid-utterance', async () => {
    const finals: Int16Array[] = [];
    standIn = await startElevenLabsStandIn({
      transcript: (samples, { final }) => {
        if (final) finals.push(samples);
        return 'Well met.';
      },
    });
    standIn.fail({ dropAfterChunks: 5 });
    const stream = createStt(endpoint('elevenlabs', standIn.url, { model: 'scribe_v2_realtime' }), FAST).open({});
    speak(stream, AUDIO.subarray(0, 3200));
    await new Promise((resolve) => setTimeout(resolve, 100));
    speak(stream, AUDIO.subarray(3200));

    expect(await stream.finish()).toEqual({ text: 'Well met.', seconds: 1.5 });
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/speech-to-text/realtime', 'POST /v1/speech-to-text']);
    expect((standIn.requests[1]!.body as MultipartBody).fields.model_id).toBe('scribe_v2');
    expect(sameSamples(finals.at(-1)!, AUDIO)).toBe(true);
  });
});

/** The SDK reaches the Realtime API over TLS only: the stand-in serves it with a certificate vitest.config.ts trusts. */
describe('OpenAI realtime transcription', () => {
  let standIn: StandIn;
  afterEach(() => standIn.close());
  const realtimeSession = () => standIn.requests[0]!.body as RealtimeTranscriptionSession;

  it('streams 24 kHz audio as it is written, commits at the end, and passes the deltas on as partials', async () => {
    standIn = await startOpenAiStandIn({ tls: true, apiKey: KEY, transcript: () => 'Greetings, weary one.' });
    const partials: string[] = [];
    const stt = createStt(endpoint('openai', standIn.url, { model: 'gpt-4o-mini-transcribe' }), FAST);
    const stream = stt.open({ language: 'en', onPartial: (text) => partials.push(text) });
    speak(stream, AUDIO.subarray(0, 8000));
    // 16 kHz in, 24 kHz out (the resampler holds back at most one sample until the next input).
    await expect.poll(() => standIn.requests[0] && realtimeSession().audioBytes, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(8000 * 3 - 2);
    speak(stream, AUDIO.subarray(8000));

    expect(await stream.finish()).toEqual({ text: 'Greetings, weary one.', seconds: 1.5 });
    expect(stt.streaming).toBe(true);
    expect(partials).toEqual(['Greetings,', 'Greetings, weary', 'Greetings, weary one.']);
    expect(realtimeSession().audioBytes).toBeGreaterThanOrEqual(AUDIO.length * 3 - 2);
    expect(realtimeSession()).toMatchObject({
      commits: 1,
      session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 24_000 }, transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' }, turn_detection: null } } },
    });
    expect(standIn.requests[0]).toMatchObject({ path: '/v1/realtime', query: { intent: 'transcription' }, headers: { authorization: `Bearer ${KEY}` } });
  });

  it('finishes with /audio/transcriptions, every sample kept, when the connection drops mid-utterance', async () => {
    const finals: Int16Array[] = [];
    standIn = await startOpenAiStandIn({
      tls: true,
      transcript: (samples, { final }) => {
        if (final) finals.push(samples);
        return 'Greetings.';
      },
    });
    standIn.fail({ dropAfterChunks: 5 });
    const stream = createStt(endpoint('openai', standIn.url, { model: 'gpt-4o-transcribe' }), FAST).open({});
    speak(stream, AUDIO.subarray(0, 3200));
    await new Promise((resolve) => setTimeout(resolve, 200));
    speak(stream, AUDIO.subarray(3200));

    expect(await stream.finish()).toEqual({ text: 'Greetings.', seconds: 1.5 });
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/realtime', 'POST /v1/audio/transcriptions']);
    expect(sameSamples(finals.at(-1)!, AUDIO)).toBe(true);
  });

  it('uploads straight away for models that only a batch server has (whisper-1, compatible servers)', async () => {
    standIn = await startOpenAiStandIn({ tls: true, transcript: () => 'Hm.' });
    const stt = createStt(endpoint('openai', standIn.url, { model: 'whisper-1' }), FAST);
    const stream = stt.open({});
    speak(stream);

    expect((await stream.finish()).text).toBe('Hm.');
    expect(stt.streaming).toBe(false);
    expect(standIn.requests.map((r) => r.path)).toEqual(['/v1/audio/transcriptions']);
  });
});

/** Sample-exact equality; vitest's deep equality is slow on arrays of this size. */
function sameSamples(a: Int16Array, b: Int16Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
