/// <reference path="./fixture.d.ts" />
import { EMBEDDING_DIMENSIONS, type ProviderRole } from '@glyphoxa/db';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import * as v from 'valibot';
// "Testing, one, two, three." spoken by espeak-ng, 16 kHz mono s16le, silence trimmed (sox): what the STT check uploads.
import spokenFixture from './testing-one-two-three.s16le-16k.bin';

/** One attempt, no retries: the DM must see the first failure as the vendor gave it. */
const CHECK_OPTIONS = { timeoutMs: 15_000, retries: 0 };
const STT_RATE = 16_000;
const FIXTURE_TEXT = 'Testing, one, two, three.';
const TTS_PHRASE = 'Hello from Glyphoxa.';
/** A voice each TTS kind has for every account, when the check is given none. */
const DEFAULT_VOICE: Record<string, string> = { openai: 'alloy', elevenlabs: '21m00Tcm4TlvDq8ikWAM' };
const MAX_QUOTED = 120;

export const ProviderCheckSchema = v.variant('ok', [
  v.object({ ok: v.literal(true), latency_ms: v.number(), detail: v.string() }),
  v.object({ ok: v.literal(false), latency_ms: v.number(), error: v.object({ message: v.string(), status: v.nullable(v.number()) }) }),
]);
export type ProviderCheck = v.InferOutput<typeof ProviderCheckSchema>;

const quote = (text: string) => `"${text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text}"`;

/**
 * A real, small call through the providers' own clients to the tenant's endpoint for
 * `role`: the answer a session or campaign memory would get, timed. The vendor's SDK is
 * loaded before the clock starts, so `latency_ms` is the vendor's time, not the import's.
 * A failure is a result, not a throw; its message never carries the key.
 */
export async function checkProvider(role: ProviderRole, endpoint: ProviderEndpoint, voiceId?: string): Promise<ProviderCheck> {
  const call = await prepare(role, endpoint, voiceId);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const detail = await call();
    return { ok: true, latency_ms: elapsed(), detail };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const status = (error as { status?: unknown }).status;
    return {
      ok: false,
      latency_ms: elapsed(),
      error: { message: endpoint.api_key ? message.replaceAll(endpoint.api_key, '[redacted]') : message, status: typeof status === 'number' ? status : null },
    };
  }
}

async function prepare(role: ProviderRole, endpoint: ProviderEndpoint, voiceId: string | undefined): Promise<() => Promise<string>> {
  switch (role) {
    case 'llm': {
      const { createLlm } = await import('@glyphoxa/providers/llm');
      const llm = createLlm(endpoint, CHECK_OPTIONS);
      return async () => {
        let text = '';
        let usage = '';
        const request = { system: 'You are a connection test. Answer with one word.', messages: [{ role: 'user' as const, content: 'Are you there?' }], maxTokens: 16 };
        for await (const event of llm.stream(request)) {
          if (event.type === 'text') text += event.text;
          else if (event.type === 'usage') usage = ` (${event.inputTokens} tokens in, ${event.outputTokens} out)`;
        }
        return `answered ${quote(text.trim())}${usage}`;
      };
    }
    case 'stt': {
      const { createStt } = await import('@glyphoxa/providers/speech');
      const stt = createStt(endpoint, CHECK_OPTIONS);
      const samples = new Int16Array(spokenFixture);
      return async () => {
        const stream = stt.open({ language: 'en' });
        stream.write(samples);
        const { text } = await stream.finish();
        return `heard ${quote(text.trim())} in ${(samples.length / STT_RATE).toFixed(1)} s of "${FIXTURE_TEXT}"`;
      };
    }
    case 'tts': {
      const { createTts } = await import('@glyphoxa/providers/speech');
      const tts = createTts(endpoint, CHECK_OPTIONS);
      const voice = { provider: endpoint.kind, voice_id: voiceId ?? DEFAULT_VOICE[endpoint.kind] ?? 'default', pitch: 0, speed: 1 };
      return async () => {
        let samples = 0;
        let rate = 0;
        for await (const chunk of tts.synthesize({ text: TTS_PHRASE, voice })) {
          samples += chunk.samples.length;
          rate = chunk.sampleRate;
        }
        if (samples === 0) throw new Error('the vendor answered with no audio');
        return `spoke ${quote(TTS_PHRASE)} in voice ${voice.voice_id}: ${(samples / rate).toFixed(1)} s of audio at ${rate} Hz`;
      };
    }
    case 'embeddings': {
      const { openAiEmbeddings } = await import('@glyphoxa/providers/embeddings');
      const embeddings = openAiEmbeddings(endpoint, EMBEDDING_DIMENSIONS, CHECK_OPTIONS);
      return async () => {
        const [vector] = await embeddings.embed(['Glyphoxa connection test']);
        return `returned a vector of ${vector!.length} dimensions`;
      };
    }
  }
}
