import { GoogleGenAI, type GenerateContentResponseUsageMetadata } from '@google/genai';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { requireKey } from '../endpoint.ts';
import { createWarmer } from '../preconnect.ts';
import { Resilience, type ResilienceOptions } from '../resilience.ts';
import type { LlmEvent, LlmProvider, LlmRequest } from '../types.ts';

/** Google's Gemini API, streamed (`streamGenerateContent?alt=sse`). `base_url` is the API root. */
export function geminiLlm(endpoint: ProviderEndpoint, options?: ResilienceOptions): LlmProvider {
  const name = 'gemini-llm';
  // `vertexai: false` and an explicit key: the node's GOOGLE_* environment never steers a tenant's calls.
  const client = new GoogleGenAI({
    apiKey: requireKey(endpoint, name),
    vertexai: false,
    httpOptions: { baseUrl: endpoint.base_url, retryOptions: { attempts: 1 } },
  });
  const resilience = new Resilience(name, options, endpoint.api_key);
  return { name, warm: createWarmer(endpoint.base_url), stream: (request) => resilience.stream(request.signal, (signal) => generate(client, endpoint.model, request, signal)) };
}

async function* generate(client: GoogleGenAI, model: string, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const stream = await client.models.generateContentStream({
    model,
    contents: request.messages.map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] })),
    config: { ...(request.system ? { systemInstruction: request.system } : {}), maxOutputTokens: request.maxTokens, abortSignal: signal },
  });
  let usage: GenerateContentResponseUsageMetadata | undefined;
  for await (const chunk of stream) {
    // Text parts only: thinking models also stream their thoughts, which are not the NPC's words.
    const parts = chunk.candidates?.[0]?.content?.parts ?? [];
    const text = parts.map((part) => (part.thought ? '' : (part.text ?? ''))).join('');
    if (text) yield { type: 'text', text };
    usage = chunk.usageMetadata ?? usage;
  }
  // Usage grows chunk by chunk; the last one holds the totals. Thinking tokens are billed as output.
  yield { type: 'usage', inputTokens: usage?.promptTokenCount ?? 0, outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0) };
}
