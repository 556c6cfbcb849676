import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { elevenLabsClient } from '../elevenlabs-client.ts';
import { pcmChunks } from '../pcm.ts';
import { createWarmer } from '../preconnect.ts';
import { Resilience, type ResilienceOptions } from '../resilience.ts';
import type { PcmChunk, TtsProvider, TtsRequest } from '../types.ts';

const SAMPLE_RATE = 24_000;
/** ElevenLabs accepts speeds from 0.7 to 1.2 only; a voice's 0.5 to 2 is held to that. */
const MIN_SPEED = 0.7;
const MAX_SPEED = 1.2;

/** ElevenLabs streaming text to speech as raw `pcm_24000`. */
export function elevenLabsTts(endpoint: ProviderEndpoint, options?: ResilienceOptions): TtsProvider {
  const name = 'elevenlabs-tts';
  const client = elevenLabsClient(endpoint, name);
  const resilience = new Resilience(name, options, endpoint.api_key);
  return { name, warm: createWarmer(endpoint.base_url), synthesize: (request) => resilience.stream(request.signal, (signal) => speak(client, endpoint.model, request, signal), client) };
}

async function* speak(client: Promise<ElevenLabsClient>, model: string, request: TtsRequest, signal: AbortSignal): AsyncGenerator<PcmChunk> {
  const audio = await (await client).textToSpeech.stream(
    request.voice.voice_id,
    {
      text: request.text,
      modelId: model,
      outputFormat: 'pcm_24000',
      voiceSettings: { speed: Math.min(MAX_SPEED, Math.max(MIN_SPEED, request.voice.speed)) },
    },
    { abortSignal: signal },
  );
  yield* pcmChunks(audio, SAMPLE_RATE);
}
