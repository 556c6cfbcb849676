import Anthropic from '@anthropic-ai/sdk';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { requireKey } from '../endpoint.ts';
import { createWarmer } from '../preconnect.ts';
import { Resilience, type ResilienceOptions } from '../resilience.ts';
import type { LlmEvent, LlmProvider, LlmRequest } from '../types.ts';
import { toolArguments } from './tool-arguments.ts';

/** Anthropic's Messages API, streamed. `base_url` is the API root (`https://api.anthropic.com`). */
export function anthropicLlm(endpoint: ProviderEndpoint, options?: ResilienceOptions): LlmProvider {
  const name = 'anthropic-llm';
  // Explicit key and token: nothing from the node's environment (ANTHROPIC_API_KEY...) reaches a tenant's calls.
  const client = new Anthropic({ baseURL: endpoint.base_url, apiKey: requireKey(endpoint, name), authToken: null, maxRetries: 0, logLevel: 'off' });
  const resilience = new Resilience(name, options, endpoint.api_key);
  return { name, warm: createWarmer(endpoint.base_url), stream: (request) => resilience.stream(request.signal, (signal) => messages(client, endpoint.model, request, signal)) };
}

interface Usage {
  input_tokens: number | null;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
}

/** All input counts: cached prompt tokens are billed too, separately from `input_tokens`. */
const inputTokens = (usage: Usage) => (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);

/** The conversation, then each tool round as an assistant turn of `tool_use` blocks and a user turn of their `tool_result`s. */
function messagesOf(request: LlmRequest): Anthropic.MessageParam[] {
  const rounds = (request.rounds ?? []).flatMap((round): Anthropic.MessageParam[] => [
    {
      role: 'assistant',
      content: [
        ...(round.text ? [{ type: 'text' as const, text: round.text }] : []),
        ...round.calls.map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: call.arguments })),
      ],
    },
    { role: 'user', content: round.results.map((result) => ({ type: 'tool_result' as const, tool_use_id: result.id, content: result.content, is_error: result.isError })) },
  ]);
  return [...request.messages, ...rounds];
}

async function* messages(client: Anthropic, model: string, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const tools = request.tools?.length
    ? {
        tools: request.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: { ...tool.parameters, type: 'object' as const } })),
        tool_choice: { type: request.toolChoice ?? 'auto' },
      }
    : {};
  const stream = await client.messages.create(
    { model, max_tokens: request.maxTokens, ...(request.system ? { system: request.system } : {}), messages: messagesOf(request), ...tools, stream: true },
    { signal },
  );
  let input = 0;
  let output = 0;
  // A tool_use block streams its input as JSON pieces; the call is complete when the block stops.
  const calls = new Map<number, { id: string; name: string; json: string }>();
  for await (const event of stream) {
    if (event.type === 'message_start') {
      input = inputTokens(event.message.usage);
      output = event.message.usage.output_tokens;
    } else if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
      calls.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
    } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      yield { type: 'text', text: event.delta.text };
    } else if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
      const call = calls.get(event.index);
      if (call) call.json += event.delta.partial_json;
    } else if (event.type === 'content_block_stop') {
      const call = calls.get(event.index);
      calls.delete(event.index);
      if (call) yield { type: 'tool_call', call: { id: call.id, name: call.name, arguments: toolArguments(call.json) } };
    } else if (event.type === 'message_delta') {
      // Cumulative counts; input ones only when the API restates them.
      output = event.usage.output_tokens;
      if (event.usage.input_tokens != null) input = inputTokens(event.usage);
    }
  }
  yield { type: 'usage', inputTokens: input, outputTokens: output };
}
