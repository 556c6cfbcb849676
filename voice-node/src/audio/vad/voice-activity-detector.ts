/**
 * Voice activity detection over one speaker's 16 kHz mono stream: when they start
 * talking (barge-in, STT start) and the whole utterance once they stop (STT input).
 * Times are stream positions in milliseconds (samples pushed / 16), so they are exact
 * and independent of how late the audio arrived; callers stamp wall-clock themselves.
 */

export interface SpeechStart {
  /** Where the speech began in the stream. */
  startMs: number;
  /** Where in the stream the detector was sure: detection latency is `detectedMs - startMs`. */
  detectedMs: number;
  /** The utterance so far: `padMs` of context and the speech that made the detector sure. */
  samples: Int16Array;
}

/** Speech stopped for a window: maybe the end, maybe a breath; `onSpeechResume` follows if it was the latter. */
export interface SpeechPause {
  /** End of the last speech window. */
  endMs: number;
}

export interface SpeechEnd {
  startMs: number;
  /** End of the last speech window. */
  endMs: number;
  /** The utterance, with `padMs` of context either side where the stream has it. */
  samples: Int16Array;
  /** `silence`: hangover elapsed; `max-length`: cut at maxUtteranceMs (speech goes on as a new utterance); `stream-end`: end() called. */
  reason: 'silence' | 'max-length' | 'stream-end';
}

export interface VadListener {
  onSpeechStart(event: SpeechStart): void;
  /** Each window of the utterance after the start, as it is scored (trailing silence included). */
  onSpeechAudio?(samples: Int16Array): void;
  onSpeechPause?(event: SpeechPause): void;
  onSpeechResume?(): void;
  onSpeechEnd(event: SpeechEnd): void;
  /** The model failed on a window (which then counts as silence); the stream goes on. */
  onError?(error: unknown): void;
}

export interface VoiceActivityDetector {
  /** 16 kHz mono PCM, in order, any chunk size; scored in the background. */
  push(samples: Int16Array): void;
  /** The stream ended: resolves once everything pushed is scored and an open utterance is closed. A next stream may be pushed at once; its events follow. */
  end(): Promise<void>;
  /** Drops everything; no further events. */
  close(): void;
  /** Stream time scored so far, its events out: behind what was pushed while the model lags. */
  readonly scoredMs: number;
}

export interface VadOptions {
  /** A window at or above this speech probability is speech. */
  positiveThreshold: number;
  /** A window below this is silence; between the two thresholds changes nothing. */
  negativeThreshold: number;
  /** Speech needed before speech-start fires: guards against clicks and coughs, adds this much latency. */
  minSpeechMs: number;
  /** Silence that ends an utterance (pauses shorter than this stay inside it). */
  hangoverMs: number;
  /** An utterance is cut here and continues as a new one, bounding STT input. */
  maxUtteranceMs: number;
  /** Context kept either side of the speech in `SpeechEnd.samples`. */
  padMs: number;
}

/**
 * Speech-start latency with these defaults: Silero passes 0.5 in its first 32 ms window
 * of speech and minSpeechMs asks for two such windows. Measured on the fixtures:
 * speech-start 52-74 ms (stream time) after the speech's onset, ~81 ms wall-clock from
 * sending the onset's Opus frame over the WebSocket transport. Barge-in then costs one
 * mixer frame (20 ms) to cut the NPC, well inside a 250 ms budget.
 */
export const DEFAULT_VAD_OPTIONS: VadOptions = {
  positiveThreshold: 0.5,
  negativeThreshold: 0.35,
  minSpeechMs: 64,
  hangoverMs: 500,
  maxUtteranceMs: 30_000,
  padMs: 200,
};

export type CreateVoiceActivityDetector = (listener: VadListener, options?: Partial<VadOptions>) => VoiceActivityDetector;
