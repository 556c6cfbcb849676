import type { Voice } from '@glyphoxa/protocol';

/**
 * The three vendor seams, shared by the voice node (all three) and the edge (LLM,
 * for recaps). Implementations wrap the vendors' official SDKs (they run in Node
 * and Bun; the LLM ones in workerd too). Each takes its endpoint (kind, base URL,
 * key, model) from the session assignment, so every base URL is configuration and
 * tests point them at local stand-ins that speak the vendor's wire format.
 *
 * Failures surface as `ProviderError`. A caller's own abort (`signal`) is not a
 * failure: the call ends with the signal's reason (an `AbortError`).
 */

/** A run of mono PCM at a known rate (TTS output). */
export interface PcmChunk {
  samples: Int16Array;
  sampleRate: number;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A tool the model may call: its name, what it does, and its arguments as a JSON Schema object. */
export interface LlmTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A tool call the model made, its arguments complete. */
export interface LlmToolCall {
  /** The vendor's call id (made up when the vendor gives none), echoed with the result. */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** Opaque state the vendor wants back with the call (Gemini's thought signature). */
  signature?: string;
}

/** One round of tools within a turn: what the model said and called, and what the calls returned. */
export interface ToolRound {
  text: string;
  calls: LlmToolCall[];
  results: Array<{ id: string; name: string; content: string; isError: boolean }>;
}

export interface LlmRequest {
  system: string;
  messages: ChatMessage[];
  maxTokens: number;
  /** Tools offered for this call, in each vendor's native tool-calling format. */
  tools?: LlmTool[];
  /** `none`: the tools stay declared (the rounds refer to them) but the model must answer in words. Default `auto`. */
  toolChoice?: 'auto' | 'none';
  /** This turn's tool rounds so far, after `messages`: the model continues from their results. */
  rounds?: ToolRound[];
  signal?: AbortSignal;
}

/**
 * A streamed reply: text deltas as they arrive, each tool call once its arguments are
 * complete, then (once) the token count.
 */
export type LlmEvent = { type: 'text'; text: string } | { type: 'tool_call'; call: LlmToolCall } | { type: 'usage'; inputTokens: number; outputTokens: number };

export interface LlmProvider {
  readonly name: string;
  stream(request: LlmRequest): AsyncIterable<LlmEvent>;
  /** Opens (or keeps) a connection to the vendor, so the next call pays no connection set-up. */
  warm?(): void;
}

/**
 * One utterance's recognition. Streaming vendors get audio as it arrives and report
 * partial transcripts while the speaker talks; batch ones upload at `finish`. A
 * streaming attempt that fails is finished by the vendor's batch API on the same audio.
 */
export interface SttStream {
  /** 16 kHz mono PCM, in order; copied, so the caller may reuse its buffer. Ignored after `finish` or `abort`. */
  write(samples: Int16Array): void;
  /** No more audio: resolves with the final text. */
  finish(): Promise<SttResult>;
  /** Drops the utterance (barge-in of a barge-in, session stop); `finish` then rejects with an `AbortError`. */
  abort(): void;
}

export interface SttResult {
  text: string;
  /** Audio seconds billed, for usage. */
  seconds: number;
}

export interface SttOpenOptions {
  signal?: AbortSignal;
  language?: string;
  /** The whole utterance's transcript so far, each time a streaming vendor revises it (never after the final). */
  onPartial?: (text: string) => void;
}

export interface SttProvider {
  readonly name: string;
  /** Whether partial transcripts arrive while the speaker talks (until streaming falls back to batch for good). */
  readonly streaming: boolean;
  open(options: SttOpenOptions): SttStream;
}

export interface TtsRequest {
  text: string;
  voice: Voice;
  signal?: AbortSignal;
}

export interface TtsProvider {
  readonly name: string;
  /** Mono PCM as the vendor streams it (any rate; the pipeline resamples). */
  synthesize(request: TtsRequest): AsyncIterable<PcmChunk>;
  /** Opens (or keeps) a connection to the vendor, so the next sentence pays no connection set-up. */
  warm?(): void;
}

/** A provider call that failed in a way the table should hear about (timeout, 5xx, open circuit). */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly provider: string;
  /** Safe to try again: a timeout, 429 or 5xx before any output was used. */
  readonly retryable: boolean;
  /** The vendor's HTTP status, when it answered with one. */
  readonly status: number | undefined;
  constructor(provider: string, message: string, retryable: boolean, status?: number) {
    super(`${provider}: ${message}`);
    this.provider = provider;
    this.retryable = retryable;
    this.status = status;
  }
}
