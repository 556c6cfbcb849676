import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { pick, type Factory } from './kinds.ts';
import type { ResilienceOptions } from './resilience.ts';
import { deepgramStt } from './stt/deepgram.ts';
import { elevenLabsStt } from './stt/elevenlabs.ts';
import { openAiStt } from './stt/openai.ts';
import { elevenLabsTts } from './tts/elevenlabs.ts';
import { openAiTts } from './tts/openai.ts';
import type { SttProvider, TtsProvider } from './types.ts';

const STT: Record<string, Factory<SttProvider>> = { openai: openAiStt, deepgram: deepgramStt, elevenlabs: elevenLabsStt };
const TTS: Record<string, Factory<TtsProvider>> = { openai: openAiTts, elevenlabs: elevenLabsTts };

export function createStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  return pick('stt', STT, endpoint)(endpoint, options);
}

export function createTts(endpoint: ProviderEndpoint, options?: ResilienceOptions): TtsProvider {
  return pick('tts', TTS, endpoint)(endpoint, options);
}
