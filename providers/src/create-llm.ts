import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { pick, type Factory } from './kinds.ts';
import { anthropicLlm } from './llm/anthropic.ts';
import { geminiLlm } from './llm/gemini.ts';
import { openAiLlm } from './llm/openai.ts';
import type { ResilienceOptions } from './resilience.ts';
import type { LlmProvider } from './types.ts';

/** LLMs alone (also `@glyphoxa/providers/llm`): the edge needs these and none of the speech SDKs. */
const LLM: Record<string, Factory<LlmProvider>> = { openai: openAiLlm, anthropic: anthropicLlm, gemini: geminiLlm };

export function createLlm(endpoint: ProviderEndpoint, options?: ResilienceOptions): LlmProvider {
  return pick('llm', LLM, endpoint)(endpoint, options);
}
