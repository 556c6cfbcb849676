import type OpenAI from 'openai';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { openAiClient } from '../openai-client.ts';
import { createWarmer } from '../preconnect.ts';
import { Resilience, type ResilienceOptions } from '../resilience.ts';
import type { LlmEvent, LlmProvider, LlmRequest } from '../types.ts';
import { toolArguments } from './tool-arguments.ts';

type Message = OpenAI.ChatCompletionMessageParam;

/** Streamed chat completions from any OpenAI-compatible server (OpenAI, Groq, Ollama, llama.cpp, vLLM). */
export function openAiLlm(endpoint: ProviderEndpoint, options?: ResilienceOptions): LlmProvider {
  const name = 'openai-llm';
  const client = openAiClient(endpoint);
  const resilience = new Resilience(name, options, endpoint.api_key);
  return { name, warm: createWarmer(endpoint.base_url), stream: (request) => resilience.stream(request.signal, (signal) => chat(client, endpoint.model, request, signal)) };
}

/** The conversation, then each tool round as an assistant message with `tool_calls` and one `tool` message per result. */
function messagesOf(request: LlmRequest): Message[] {
  const system: Message[] = request.system ? [{ role: 'system', content: request.system }] : [];
  const rounds = (request.rounds ?? []).flatMap((round): Message[] => [
    {
      role: 'assistant',
      content: round.text || null,
      tool_calls: round.calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.arguments) } })),
    },
    // The API has no error flag for a result: the text says so.
    ...round.results.map((result): Message => ({ role: 'tool', tool_call_id: result.id, content: result.isError ? `Error: ${result.content}` : result.content })),
  ]);
  return [...system, ...request.messages, ...rounds];
}

async function* chat(client: OpenAI, model: string, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const tools = request.tools?.length
    ? {
        tools: request.tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
        tool_choice: request.toolChoice ?? 'auto',
      }
    : {};
  const stream = await client.chat.completions.create(
    {
      model,
      messages: messagesOf(request),
      max_completion_tokens: request.maxTokens,
      ...tools,
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal },
  );
  let usage: OpenAI.CompletionUsage | undefined;
  // Tool calls stream in pieces, by index: the id and name first, the arguments' JSON after.
  const calls = new Map<number, { id: string; name: string; json: string }>();
  for await (const chunk of stream) {
    // Compatible servers differ: some omit `choices` on the usage chunk.
    const delta = chunk.choices?.[0]?.delta;
    if (delta?.content) yield { type: 'text', text: delta.content };
    for (const piece of delta?.tool_calls ?? []) {
      const call = calls.get(piece.index) ?? { id: '', name: '', json: '' };
      call.id ||= piece.id ?? '';
      call.name += piece.function?.name ?? '';
      call.json += piece.function?.arguments ?? '';
      calls.set(piece.index, call);
    }
    if (chunk.usage) usage = chunk.usage;
  }
  for (const [index, call] of [...calls].sort(([a], [b]) => a - b)) {
    yield { type: 'tool_call', call: { id: call.id || `call_${index}`, name: call.name, arguments: toolArguments(call.json) } };
  }
  // Zero when the server ignores `include_usage` (some compatible servers do).
  yield { type: 'usage', inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}
