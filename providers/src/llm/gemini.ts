import { FunctionCallingConfigMode, GoogleGenAI, type Content, type GenerateContentResponseUsageMetadata } from '@google/genai';
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

/**
 * The conversation, then each tool round as a model turn of `functionCall` parts (with the
 * thought signatures Gemini asks back) and a user turn of their `functionResponse`s.
 */
function contentsOf(request: LlmRequest): Content[] {
  const conversation = request.messages.map((message): Content => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] }));
  const rounds = (request.rounds ?? []).flatMap((round): Content[] => [
    {
      role: 'model',
      parts: [
        ...(round.text ? [{ text: round.text }] : []),
        ...round.calls.map((call) => ({ functionCall: { id: call.id, name: call.name, args: call.arguments }, ...(call.signature ? { thoughtSignature: call.signature } : {}) })),
      ],
    },
    {
      role: 'user',
      parts: round.results.map((result) => ({ functionResponse: { id: result.id, name: result.name, response: result.isError ? { error: result.content } : { output: result.content } } })),
    },
  ]);
  return [...conversation, ...rounds];
}

async function* generate(client: GoogleGenAI, model: string, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const tools = request.tools?.length
    ? {
        tools: [{ functionDeclarations: request.tools.map((tool) => ({ name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters })) }],
        toolConfig: { functionCallingConfig: { mode: request.toolChoice === 'none' ? FunctionCallingConfigMode.NONE : FunctionCallingConfigMode.AUTO } },
      }
    : {};
  const stream = await client.models.generateContentStream({
    model,
    contents: contentsOf(request),
    config: { ...(request.system ? { systemInstruction: request.system } : {}), maxOutputTokens: request.maxTokens, ...tools, abortSignal: signal },
  });
  let usage: GenerateContentResponseUsageMetadata | undefined;
  let calls = 0;
  for await (const chunk of stream) {
    // Text parts only: thinking models also stream their thoughts, which are not the NPC's words.
    const parts = chunk.candidates?.[0]?.content?.parts ?? [];
    const text = parts.map((part) => (part.thought ? '' : (part.text ?? ''))).join('');
    if (text) yield { type: 'text', text };
    // Gemini sends each function call whole, in one part.
    for (const part of parts) {
      if (!part.functionCall?.name) continue;
      const call = { id: part.functionCall.id || `call_${calls}`, name: part.functionCall.name, arguments: part.functionCall.args ?? {} };
      calls += 1;
      yield { type: 'tool_call', call: part.thoughtSignature ? { ...call, signature: part.thoughtSignature } : call };
    }
    usage = chunk.usageMetadata ?? usage;
  }
  // Usage grows chunk by chunk; the last one holds the totals. Thinking tokens are billed as output.
  yield { type: 'usage', inputTokens: usage?.promptTokenCount ?? 0, outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0) };
}
