/**
 * Anthropic's Messages API, streamed: `message_start`, `content_block_start`,
 * a `ping`, one `content_block_delta` per token, `content_block_stop`,
 * `message_delta` (stop reason, output tokens) and `message_stop`, as named SSE events.
 * The key arrives as `x-api-key` or as a bearer token (what the current SDK sends).
 */
import { echoReply, promptTokens, type Prompt, type PromptToolResult, type ReplyScript, scripted, tokens, callId } from './script.ts';
import { type Reply, StandIn, type StandInOptions } from './server.ts';

export interface AnthropicStandInOptions extends StandInOptions {
  reply?: ReplyScript;
}

interface Block {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  tool_use_id?: string;
  content?: string | Array<{ type: string; text: string }>;
  is_error?: boolean;
}

interface MessagesBody {
  model?: unknown;
  max_tokens?: unknown;
  system?: string | Array<{ type: string; text: string }>;
  messages?: Array<{ role: 'user' | 'assistant'; content: string | Block[] }>;
  tools?: Array<{ name: string; input_schema?: { type?: string } }>;
  tool_choice?: { type: string };
  stream?: unknown;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

export function startAnthropicStandIn(options: AnthropicStandInOptions = {}): Promise<StandIn> {
  const reply = options.reply ?? echoReply;
  return StandIn.start(
    {
      // The SDK sends the key as a bearer token; older clients use `x-api-key`.
      keyOf: (request) => request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer /, ''),
      errorBody: (status, message) => ({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }),
      handle(request) {
        if (request.method !== 'POST' || request.path !== '/v1/messages') throw new Error(`unknown route ${request.method} ${request.path}`);
        if (!request.headers['anthropic-version']) throw new Error('anthropic-version header is required');
        return messages(request.body as MessagesBody, reply);
      },
    },
    options,
  );
}

const text = (content: string | Block[]) => (typeof content === 'string' ? content : content.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join(''));

/** Tool results: `tool_result` blocks of user turns, named by the `tool_use` blocks they answer. */
function toolResults(messages: NonNullable<MessagesBody['messages']>): PromptToolResult[] {
  const blocks = messages.flatMap((message) => (typeof message.content === 'string' ? [] : message.content));
  const names = new Map(blocks.filter((block) => block.type === 'tool_use').map((block) => [block.id, block.name] as const));
  return blocks
    .filter((block) => block.type === 'tool_result')
    .map((block) => {
      const name = names.get(block.tool_use_id);
      if (!name) throw new Error(`tool_result for an unknown tool_use_id ${block.tool_use_id}`);
      return { name, content: typeof block.content === 'string' ? block.content : text(block.content ?? []), isError: block.is_error === true };
    });
}

const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

function messages(body: MessagesBody, reply: ReplyScript): Reply {
  if (typeof body.model !== 'string' || typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
    throw new Error('model, max_tokens and messages are required');
  }
  if (body.stream !== true) throw new Error('this stand-in streams only (stream: true)');
  if (body.tools?.some((tool) => tool.input_schema?.type !== 'object')) throw new Error('tools.input_schema: the type must be "object"');
  // As the API refuses it: tool blocks in the conversation need the tools declared.
  if (!body.tools?.length && body.messages.some((m) => typeof m.content !== 'string' && m.content.some((b) => b.type === 'tool_use' || b.type === 'tool_result'))) {
    throw new Error('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  }
  const prompt: Prompt = {
    model: body.model,
    system: body.system === undefined ? '' : text(body.system as Block[] | string),
    messages: body.messages.map((message) => ({ role: message.role, content: text(message.content) })),
    maxTokens: body.max_tokens,
    tools: (body.tools ?? []).map((tool) => tool.name),
    toolChoice: body.tool_choice?.type === 'none' ? 'none' : 'auto',
    results: toolResults(body.messages),
  };
  const answer = scripted(reply, prompt);
  const pieces = tokens(answer.text);
  const first = pieces.length > 0 ? 1 : 0;
  // Each call its own tool_use block after the text block, its input JSON in two pieces.
  const callEvents = answer.calls.flatMap((call, i) => {
    const index = first + i;
    const json = JSON.stringify(call.arguments);
    const half = Math.ceil(json.length / 2);
    return [
      event('content_block_start', { index, content_block: { type: 'tool_use', id: `toolu_stand_in_${callId()}`, name: call.name, input: {} } }),
      ...[json.slice(0, half), json.slice(half)].map((part) => event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } })),
      event('content_block_stop', { index }),
    ];
  });
  const textEvents =
    first === 0 && answer.calls.length > 0
      ? []
      : [
          event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
          event('ping', {}),
          ...pieces.map((piece) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } })),
          event('content_block_stop', { index: 0 }),
        ];
  return {
    contentType: 'text/event-stream',
    chunks: [
      event('message_start', {
        message: {
          id: 'msg_stand_in',
          type: 'message',
          role: 'assistant',
          content: [],
          model: body.model,
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: promptTokens(prompt), output_tokens: 1 },
        },
      }),
      ...textEvents,
      ...callEvents,
      event('message_delta', { delta: { stop_reason: answer.calls.length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length + answer.calls.length } }),
      event('message_stop', {}),
    ],
  };
}
