/**
 * Providers from a tenant's (or the node's default) `ProviderEndpoint`, by `kind`.
 * What `base_url` holds per kind: `openai` the API root with its version
 * (`https://api.openai.com/v1`, `http://localhost:11434/v1`); `anthropic`, `gemini`,
 * `elevenlabs` and `deepgram` the vendor's host (`https://api.anthropic.com`...).
 * A kind that needs a key and has none, or an unknown kind, is refused with a `ProviderError`.
 */
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { anthropicLlm } from './llm/anthropic.ts';
import { geminiLlm } from './llm/gemini.ts';
import { openAiLlm } from './llm/openai.ts';
import type { ResilienceOptions } from './resilience.ts';
import { deepgramStt } from './stt/deepgram.ts';
import { elevenLabsStt } from './stt/elevenlabs.ts';
import { openAiStt } from './stt/openai.ts';
import { elevenLabsTts } from './tts/elevenlabs.ts';
import { openAiTts } from './tts/openai.ts';
import { type LlmProvider, ProviderError, type SttProvider, type TtsProvider } from './types.ts';

type Factory<T> = (endpoint: ProviderEndpoint, options?: ResilienceOptions) => T;

const LLM: Record<string, Factory<LlmProvider>> = { openai: openAiLlm, anthropic: anthropicLlm, gemini: geminiLlm };
const STT: Record<string, Factory<SttProvider>> = { openai: openAiStt, deepgram: deepgramStt, elevenlabs: elevenLabsStt };
const TTS: Record<string, Factory<TtsProvider>> = { openai: openAiTts, elevenlabs: elevenLabsTts };

export function createLlm(endpoint: ProviderEndpoint, options?: ResilienceOptions): LlmProvider {
  return pick('llm', LLM, endpoint)(endpoint, options);
}

export function createStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  return pick('stt', STT, endpoint)(endpoint, options);
}

export function createTts(endpoint: ProviderEndpoint, options?: ResilienceOptions): TtsProvider {
  return pick('tts', TTS, endpoint)(endpoint, options);
}

function pick<T>(role: string, factories: Record<string, Factory<T>>, endpoint: ProviderEndpoint): Factory<T> {
  // `hasOwn`: a kind such as "constructor" must not find Object's prototype.
  const factory = Object.hasOwn(factories, endpoint.kind) ? factories[endpoint.kind] : undefined;
  if (!factory) {
    throw new ProviderError(role, `unknown provider kind "${endpoint.kind.slice(0, 40)}" (known: ${Object.keys(factories).join(', ')})`, false);
  }
  return factory;
}
