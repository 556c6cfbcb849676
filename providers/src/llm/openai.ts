import type OpenAI from 'openai';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { openAiClient } from '../openai-client.ts';
import { createWarmer } from '../preconnect.ts';
import { Resilience, type ResilienceOptions } from '../resilience.ts';
import type { LlmEvent, LlmProvider, LlmRequest } from '../types.ts';

/** Streamed chat completions from any OpenAI-compatible server (OpenAI, Groq, Ollama, llama.cpp, vLLM). */
export function openAiLlm(endpoint: ProviderEndpoint, options?: ResilienceOptions): LlmProvider {
  const name = 'openai-llm';
  const client = openAiClient(endpoint);
  const resilience = new Resilience(name, options, endpoint.api_key);
  return { name, warm: createWarmer(endpoint.base_url), stream: (request) => resilience.stream(request.signal, (signal) => chat(client, endpoint.model, request, signal)) };
}

async function* chat(client: OpenAI, model: string, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const system = request.system ? [{ role: 'system' as const, content: request.system }] : [];
  const stream = await client.chat.completions.create(
    {
      model,
      messages: [...system, ...request.messages],
      max_completion_tokens: request.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal },
  );
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    // Compatible servers differ: some omit `choices` on the usage chunk.
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) yield { type: 'text', text };
    if (chunk.usage) usage = chunk.usage;
  }
  // Zero when the server ignores `include_usage` (some compatible servers do).
  yield { type: 'usage', inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}
