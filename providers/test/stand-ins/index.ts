/**
 * Local stand-ins for the vendors' APIs, real servers on 127.0.0.1 speaking each
 * wire format (streaming included), for the providers' tests and later for the
 * voice node's tests and `bench/voice`. Each `start…StandIn()` resolves to a
 * `StandIn`: its `url` goes in a `ProviderEndpoint`'s `base_url`; `requests`
 * records what arrived; `latency` is mutable; `fail()` injects faults; `close()` ends it.
 */
export { startAnthropicStandIn, type AnthropicStandInOptions } from './anthropic.ts';
export { startDeepgramStandIn, type DeepgramSession, type DeepgramStandInOptions } from './deepgram.ts';
export { type ScribeSession, startElevenLabsStandIn, type ElevenLabsStandInOptions } from './elevenlabs.ts';
export { startGeminiStandIn, type GeminiStandInOptions } from './gemini.ts';
export { type RealtimeTranscriptionSession, startOpenAiStandIn, type OpenAiStandInOptions } from './openai.ts';
export {
  bagOfWords,
  durationTranscript,
  echoReply,
  promptTokens,
  type Prompt,
  type ReplyScript,
  STT_SAMPLE_RATE,
  tokens,
  toneFor,
  type TranscriptScript,
  TTS_SAMPLE_RATE,
} from './script.ts';
export { STAND_IN_CA } from './server.ts';
export type { Fault, Latency, MultipartBody, RecordedRequest, StandIn, StandInOptions, StreamingLatency } from './server.ts';
