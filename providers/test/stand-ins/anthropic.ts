/**
 * Anthropic's Messages API, streamed: `message_start`, `content_block_start`,
 * a `ping`, one `content_block_delta` per token, `content_block_stop`,
 * `message_delta` (stop reason, output tokens) and `message_stop`, as named SSE events.
 * The key arrives as `x-api-key` or as a bearer token (what the current SDK sends).
 */
import { echoReply, promptTokens, type Prompt, type ReplyScript, tokens } from './script.ts';
import { type Reply, StandIn, type StandInOptions } from './server.ts';

export interface AnthropicStandInOptions extends StandInOptions {
  reply?: ReplyScript;
}

interface MessagesBody {
  model?: unknown;
  max_tokens?: unknown;
  system?: string | Array<{ type: string; text: string }>;
  messages?: Array<{ role: 'user' | 'assistant'; content: string | Array<{ type: string; text: string }> }>;
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

const text = (content: string | Array<{ type: string; text: string }>) =>
  typeof content === 'string' ? content : content.map((block) => block.text).join('');

function messages(body: MessagesBody, reply: ReplyScript): Reply {
  if (typeof body.model !== 'string' || typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
    throw new Error('model, max_tokens and messages are required');
  }
  if (body.stream !== true) throw new Error('this stand-in streams only (stream: true)');
  const prompt: Prompt = {
    model: body.model,
    system: body.system === undefined ? '' : text(body.system),
    messages: body.messages.map((message) => ({ role: message.role, content: text(message.content) })),
    maxTokens: body.max_tokens,
  };
  const pieces = tokens(reply(prompt));
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
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
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('ping', {}),
      ...pieces.map((piece) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } })),
      event('content_block_stop', { index: 0 }),
      event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length } }),
      event('message_stop', {}),
    ],
  };
}
