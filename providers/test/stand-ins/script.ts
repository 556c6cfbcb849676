/**
 * What the stand-ins say, when a test does not script it: deterministic replies,
 * transcripts and audio that a test can predict exactly.
 */
import { pcmToBytes } from '../../src/pcm.ts';
import { STT_SAMPLE_RATE } from '../../src/stt/utterance.ts';
import type { ChatMessage } from '../../src/types.ts';

/** A tool's result as it came back to the model in the conversation, in its vendor's shape. */
export interface PromptToolResult {
  name: string;
  content: string;
  isError: boolean;
}

/** A chat request as every LLM stand-in sees it, whatever its vendor's wire shape. */
export interface Prompt {
  model: string;
  system: string;
  /** The text of each turn (a turn of tool calls or results only: empty text). */
  messages: ChatMessage[];
  maxTokens: number;
  /** Names of the tools offered with the request. */
  tools: string[];
  /** `none`: tools declared, but the model may not call one. */
  toolChoice: 'auto' | 'none';
  /** Every tool result in the conversation, oldest first. */
  results: PromptToolResult[];
}

/** A scripted reply that calls tools (each stand-in streams the calls in its vendor's format), after some text or none. */
export interface ToolCallingReply {
  text?: string;
  calls: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export type ReplyScript = (prompt: Prompt) => string | ToolCallingReply;

let calls = 0;
/** A tool call id unique across the stand-ins' replies, as a vendor's are across a conversation. */
export const callId = () => String(++calls);

/** The script's answer to `prompt` as text and tool calls; a call of a tool not offered is refused, as a vendor would never make one. */
export function scripted(reply: ReplyScript, prompt: Prompt): { text: string; calls: ToolCallingReply['calls'] } {
  const answer = reply(prompt);
  if (typeof answer === 'string') return { text: answer, calls: [] };
  const unoffered = answer.calls.find((call) => prompt.toolChoice === 'none' || !prompt.tools.includes(call.name));
  if (unoffered) throw new Error(`the model cannot call ${unoffered.name}: it was not offered (tools: ${prompt.tools.join(', ') || 'none'}, choice ${prompt.toolChoice})`);
  return { text: answer.text ?? '', calls: answer.calls };
}
/**
 * From the utterance's 16 kHz samples to its transcript. Streaming stand-ins also ask
 * for interim transcripts (`final: false`) of the audio heard so far, and say when
 * (performance.now()) the first of that audio arrived.
 */
export type TranscriptScript = (samples: Int16Array, progress: { final: boolean; startedAt?: number }) => string;

export const echoReply: ReplyScript = (prompt: Prompt) => `You said: ${prompt.messages.at(-1)?.content ?? ''}`;

/** The streamed pieces of a reply: each word with the whitespace before it, so they join back into the text. */
export const tokens = (text: string): string[] => text.match(/\s*\S+/g) ?? [];

/** Input tokens the stand-ins report: the words of the system prompt and the messages. */
export const promptTokens = (prompt: Prompt): number =>
  tokens([prompt.system, ...prompt.messages.map((message) => message.content)].join(' ')).length;

export { STT_SAMPLE_RATE };
/** The rate TTS stand-ins speak at: OpenAI's `pcm`, ElevenLabs' `pcm_24000`. */
export const TTS_SAMPLE_RATE = 24_000;

export const durationTranscript: TranscriptScript = (samples) => `heard ${(samples.length / STT_SAMPLE_RATE).toFixed(2)} seconds`;

/** What TTS stand-ins speak for a text: a 440 Hz tone at 24 kHz, 10 ms per character. */
export function toneFor(text: string): Int16Array {
  const samples = new Int16Array((text.length * TTS_SAMPLE_RATE) / 100);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / TTS_SAMPLE_RATE));
  return samples;
}

/** Bytes cut into odd-sized pieces, so clients must carry half samples across chunks. */
export function oddChunks(samples: Int16Array, size = 1001): Uint8Array[] {
  const bytes = pcmToBytes(samples);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

/**
 * A stand-in embedding: words hashed into a bag of `dimensions` buckets, unit
 * length. Texts sharing words come out close, as with a real model.
 */
export function bagOfWords(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
    vector[(hash >>> 0) % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}
