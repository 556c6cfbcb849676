/**
 * An OpenAI-compatible server (what OpenAI, Groq, Ollama, llama.cpp, vLLM and
 * whisper.cpp speak): streamed chat completions with `stream_options.include_usage`,
 * `/audio/transcriptions` (multipart WAV, JSON reply) and `/audio/speech` (raw
 * 24 kHz s16le with `response_format: "pcm"`). The base URL ends in `/v1`, as for the real one.
 * Started with `tls`, it also serves the Realtime API's transcription sessions
 * (`wss://…/v1/realtime?intent=transcription`, which the SDK only reaches over TLS):
 * `session.created` on open, `session.update`, `input_audio_buffer.append` (base64 24 kHz
 * PCM) and `.commit`, then the transcript as `…input_audio_transcription.delta` events
 * (a word each) and `.completed`, `streaming.finalMs` after the commit.
 */
import {
  bagOfWords,
  callId,
  durationTranscript,
  echoReply,
  oddChunks,
  promptTokens,
  type Prompt,
  type PromptToolResult,
  type ReplyScript,
  scripted,
  tokens,
  toneFor,
  type TranscriptScript,
} from './script.ts';
import { WebSocketServer, type WebSocket } from 'ws';
import { bytesToPcm } from '../../src/pcm.ts';
import { type MultipartBody, type RecordedRequest, type Reply, StandIn, type StandInOptions, type Upgrade } from './server.ts';
import { StreamingTranscriber } from './streaming.ts';
import { readWav } from './wav-reader.ts';

export interface OpenAiStandInOptions extends StandInOptions {
  reply?: ReplyScript;
  transcript?: TranscriptScript;
  /** Embeddings of this length whatever `dimensions` asks: a model that cannot shorten them. */
  embeddingLength?: number;
}

interface EmbeddingsBody {
  model?: unknown;
  input?: unknown;
  dimensions?: unknown;
  encoding_format?: unknown;
}

interface ChatMessageBody {
  role: string;
  content: string | null;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

interface ChatBody {
  model?: unknown;
  messages?: ChatMessageBody[];
  tools?: Array<{ type: string; function: { name: string } }>;
  tool_choice?: 'auto' | 'none' | 'required';
  stream?: unknown;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
}

interface SpeechBody {
  model?: unknown;
  input?: unknown;
  voice?: unknown;
  response_format?: unknown;
}

/** What a realtime transcription session sent, in the request's record (`body`), kept up to date while it is open. */
export interface RealtimeTranscriptionSession {
  /** The `session` of the last `session.update`. */
  session: unknown;
  audioBytes: number;
  commits: number;
}

export function startOpenAiStandIn(options: OpenAiStandInOptions = {}): Promise<StandIn> {
  const reply = options.reply ?? echoReply;
  const transcript = options.transcript ?? durationTranscript;
  const sockets = new WebSocketServer({ noServer: true });
  return StandIn.start(
    {
      basePath: '/v1',
      upgrade(upgrade) {
        if (upgrade.request.path !== '/v1/realtime' || upgrade.request.query.intent !== 'transcription') {
          upgrade.socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
          return;
        }
        sockets.handleUpgrade(upgrade.req, upgrade.socket, upgrade.head, (ws) => realtimeTranscription(ws, upgrade, transcript));
      },
      keyOf: (request) => request.headers.authorization?.replace(/^Bearer /, ''),
      errorBody: (status, message) => ({
        error: { message, type: status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null },
      }),
      handle(request) {
        if (request.method !== 'POST') throw new Error(`unknown route ${request.method} ${request.path}`);
        if (request.path === '/v1/chat/completions') return chat(request.body as ChatBody, reply);
        if (request.path === '/v1/audio/transcriptions') return transcription(request, transcript);
        if (request.path === '/v1/audio/speech') return speech(request.body as SpeechBody);
        if (request.path === '/v1/embeddings') return embeddings(request.body as EmbeddingsBody, options.embeddingLength);
        throw new Error(`unknown route ${request.method} ${request.path}`);
      },
    },
    options,
  );
}

/** Tool results: `tool` messages, named by the assistant `tool_calls` they answer. */
function toolResults(messages: ChatMessageBody[]): PromptToolResult[] {
  const names = new Map(messages.flatMap((message) => (message.tool_calls ?? []).map((call) => [call.id, call.function.name] as const)));
  return messages
    .filter((message) => message.role === 'tool')
    .map((message) => {
      const name = names.get(message.tool_call_id ?? '');
      if (!name) throw new Error(`tool message for an unknown tool_call_id ${message.tool_call_id}`);
      // The API has no error flag for a result; the text says it.
      return { name, content: message.content ?? '', isError: false };
    });
}

function chat(body: ChatBody, reply: ReplyScript): Reply {
  if (typeof body.model !== 'string' || !Array.isArray(body.messages)) throw new Error('model and messages are required');
  if (body.stream !== true) throw new Error('this stand-in streams only (stream: true)');
  const prompt: Prompt = {
    model: body.model,
    system: body.messages.filter((message) => message.role === 'system' || message.role === 'developer').map((message) => message.content).join('\n'),
    messages: body.messages.flatMap((message) => (message.role === 'user' || message.role === 'assistant' ? [{ role: message.role, content: message.content ?? '' }] : [])),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? Infinity,
    tools: (body.tools ?? []).map((tool) => tool.function.name),
    toolChoice: body.tool_choice === 'none' ? 'none' : 'auto',
    results: toolResults(body.messages),
  };
  const { text, calls } = scripted(reply, prompt);
  const pieces = tokens(text);
  const includeUsage = body.stream_options?.include_usage === true;
  const base = { id: 'chatcmpl-stand-in', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model, system_fingerprint: 'fp_stand_in' };
  const chunk = (choices: unknown[], usage: unknown = null) => `data: ${JSON.stringify({ ...base, choices, ...(includeUsage ? { usage } : {}) })}\n\n`;
  const delta = (d: object) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: null }]);
  // As the API streams a call: its id, type and name first, then its arguments' JSON in two pieces.
  const callChunks = calls.flatMap((call, index) => {
    const json = JSON.stringify(call.arguments);
    const half = Math.ceil(json.length / 2);
    return [
      delta({ tool_calls: [{ index, id: `call_stand_in_${callId()}`, type: 'function', function: { name: call.name, arguments: '' } }] }),
      ...[json.slice(0, half), json.slice(half)].map((part) => delta({ tool_calls: [{ index, function: { arguments: part } }] })),
    ];
  });
  const chunks = [
    delta({ role: 'assistant', content: '' }),
    ...pieces.map((piece) => delta({ content: piece })),
    ...callChunks,
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }]),
  ];
  if (includeUsage) {
    const input = promptTokens(prompt);
    const output = pieces.length + calls.length;
    chunks.push(chunk([], { prompt_tokens: input, completion_tokens: output, total_tokens: input + output }));
  }
  chunks.push('data: [DONE]\n\n');
  return { chunks, contentType: 'text/event-stream' };
}

function embeddings(body: EmbeddingsBody, forcedLength: number | undefined): Reply {
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  if (typeof body.model !== 'string' || !Array.isArray(input) || !input.every((text) => typeof text === 'string')) {
    throw new Error('model and input (a string or a list of strings) are required');
  }
  if (body.encoding_format !== undefined && body.encoding_format !== 'float') throw new Error('this stand-in answers encoding_format "float" only');
  const length = forcedLength ?? (typeof body.dimensions === 'number' ? body.dimensions : 1536);
  const words = input.reduce((sum, text) => sum + tokens(text).length, 0);
  return {
    json: {
      object: 'list',
      data: input.map((text, index) => ({ object: 'embedding', index, embedding: bagOfWords(text, length) })),
      model: body.model,
      usage: { prompt_tokens: words, total_tokens: words },
    },
  };
}

function transcription(request: RecordedRequest, transcript: TranscriptScript): Reply {
  const form = request.body as MultipartBody | undefined;
  const file = form?.files.file;
  if (!form?.fields.model || !file) throw new Error('model and file are required');
  return { json: { text: transcript(readWav(file.bytes), { final: true }) } };
}

function speech(body: SpeechBody): Reply {
  if (typeof body.model !== 'string' || typeof body.input !== 'string' || typeof body.voice !== 'string') {
    throw new Error('model, input and voice are required');
  }
  if (body.response_format !== 'pcm') throw new Error('this stand-in speaks response_format "pcm" only');
  return { chunks: oddChunks(toneFor(body.input)), contentType: 'audio/pcm' };
}

function realtimeTranscription(ws: WebSocket, { request, fault, standIn }: Upgrade, transcript: TranscriptScript): void {
  const record: RealtimeTranscriptionSession = { session: undefined, audioBytes: 0, commits: 0 };
  request.body = record;
  const heard = new StreamingTranscriber(transcript, standIn);
  let events = 0;
  let chunks = 0;
  let last = Promise.resolve();
  const then = (work: () => Promise<void>) => (last = last.then(work).catch(() => {}));
  const send = (type: string, body: object = {}) => ws.send(JSON.stringify({ type, event_id: `event_${++events}`, ...body }));
  send('session.created', { session: { type: 'transcription', id: 'sess_stand_in' } });
  ws.on('message', (data) => {
    const event = JSON.parse(String(data)) as { type?: string; session?: unknown; audio?: string };
    if (event.type === 'session.update') {
      record.session = event.session;
      send('session.updated', { session: event.session });
    } else if (event.type === 'input_audio_buffer.append') {
      if (fault && 'dropAfterChunks' in fault && chunks === fault.dropAfterChunks) return void ws.terminate();
      chunks += 1;
      const bytes = Buffer.from(event.audio ?? '', 'base64');
      record.audioBytes += bytes.length;
      // The script hears 16 kHz, as every other stand-in's does: every third 24 kHz sample is left out.
      const at24 = bytesToPcm(new Uint8Array(bytes));
      heard.push(Int16Array.from({ length: Math.floor((at24.length * 2) / 3) }, (_, i) => at24[Math.floor((i * 3) / 2)]!));
    } else if (event.type === 'input_audio_buffer.commit') {
      record.commits += 1;
      const item_id = `item_${record.commits}`;
      send('input_audio_buffer.committed', { item_id, previous_item_id: null });
      if (fault && 'hang' in fault) return;
      then(async () => {
        const { text } = await heard.final();
        for (const delta of tokens(text)) send('conversation.item.input_audio_transcription.delta', { item_id, content_index: 0, delta });
        send('conversation.item.input_audio_transcription.completed', { item_id, content_index: 0, transcript: text, usage: { type: 'duration', seconds: 1 } });
      });
    } else {
      send('error', { error: { type: 'invalid_request_error', code: 'unknown_event', message: `unknown event ${event.type}`, param: null, event_id: null } });
    }
  });
}
