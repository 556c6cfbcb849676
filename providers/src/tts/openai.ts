import type OpenAI from 'openai';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { openAiClient } from '../openai-client.ts';
import { pcmChunks } from '../pcm.ts';
import { createWarmer } from '../preconnect.ts';
import { Resilience, type ResilienceOptions, VendorFailure } from '../resilience.ts';
import type { PcmChunk, TtsProvider, TtsRequest } from '../types.ts';

/** `response_format: "pcm"` is 24 kHz mono s16le, streamed as it is made. */
const SAMPLE_RATE = 24_000;

/** OpenAI-compatible `/audio/speech`. The voice's speed goes through as is (the API takes 0.25 to 4). */
export function openAiTts(endpoint: ProviderEndpoint, options?: ResilienceOptions): TtsProvider {
  const name = 'openai-tts';
  const client = openAiClient(endpoint);
  const resilience = new Resilience(name, options, endpoint.api_key);
  return { name, warm: createWarmer(endpoint.base_url), synthesize: (request) => resilience.stream(request.signal, (signal) => speak(client, endpoint.model, request, signal)) };
}

async function* speak(client: OpenAI, model: string, request: TtsRequest, signal: AbortSignal): AsyncGenerator<PcmChunk> {
  const response = await client.audio.speech.create(
    { model, input: request.text, voice: request.voice.voice_id, response_format: 'pcm', speed: request.voice.speed },
    { signal },
  );
  if (!response.body) throw new VendorFailure('reply without audio', false);
  yield* pcmChunks(response.body, SAMPLE_RATE);
}
