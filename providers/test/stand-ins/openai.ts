/**
 * An OpenAI-compatible server (what OpenAI, Groq, Ollama, llama.cpp, vLLM and
 * whisper.cpp speak): streamed chat completions with `stream_options.include_usage`,
 * `/audio/transcriptions` (multipart WAV, JSON reply) and `/audio/speech` (raw
 * 24 kHz s16le with `response_format: "pcm"`). The base URL ends in `/v1`, as for the real one.
 */
import type { ChatMessage } from '../../src/types.ts';
import {
  durationTranscript,
  echoReply,
  oddChunks,
  promptTokens,
  type Prompt,
  type ReplyScript,
  tokens,
  toneFor,
  type TranscriptScript,
} from './script.ts';
import { type MultipartBody, type RecordedRequest, type Reply, StandIn, type StandInOptions } from './server.ts';
import { readWav } from './wav-reader.ts';

export interface OpenAiStandInOptions extends StandInOptions {
  reply?: ReplyScript;
  transcript?: TranscriptScript;
}

interface ChatBody {
  model?: unknown;
  messages?: Array<{ role: string; content: string }>;
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

export function startOpenAiStandIn(options: OpenAiStandInOptions = {}): Promise<StandIn> {
  const reply = options.reply ?? echoReply;
  const transcript = options.transcript ?? durationTranscript;
  return StandIn.start(
    {
      basePath: '/v1',
      keyOf: (request) => request.headers.authorization?.replace(/^Bearer /, ''),
      errorBody: (status, message) => ({
        error: { message, type: status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null },
      }),
      handle(request) {
        if (request.method !== 'POST') throw new Error(`unknown route ${request.method} ${request.path}`);
        if (request.path === '/v1/chat/completions') return chat(request.body as ChatBody, reply);
        if (request.path === '/v1/audio/transcriptions') return transcription(request, transcript);
        if (request.path === '/v1/audio/speech') return speech(request.body as SpeechBody);
        throw new Error(`unknown route ${request.method} ${request.path}`);
      },
    },
    options,
  );
}

function chat(body: ChatBody, reply: ReplyScript): Reply {
  if (typeof body.model !== 'string' || !Array.isArray(body.messages)) throw new Error('model and messages are required');
  if (body.stream !== true) throw new Error('this stand-in streams only (stream: true)');
  const prompt: Prompt = {
    model: body.model,
    system: body.messages.filter((message) => message.role === 'system' || message.role === 'developer').map((message) => message.content).join('\n'),
    messages: body.messages.filter((message): message is ChatMessage => message.role === 'user' || message.role === 'assistant'),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? Infinity,
  };
  const pieces = tokens(reply(prompt));
  const includeUsage = body.stream_options?.include_usage === true;
  const base = { id: 'chatcmpl-stand-in', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model, system_fingerprint: 'fp_stand_in' };
  const chunk = (choices: unknown[], usage: unknown = null) => `data: ${JSON.stringify({ ...base, choices, ...(includeUsage ? { usage } : {}) })}\n\n`;
  const chunks = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
    ...pieces.map((text) => chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  ];
  if (includeUsage) {
    const input = promptTokens(prompt);
    chunks.push(chunk([], { prompt_tokens: input, completion_tokens: pieces.length, total_tokens: input + pieces.length }));
  }
  chunks.push('data: [DONE]\n\n');
  return { chunks, contentType: 'text/event-stream' };
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
