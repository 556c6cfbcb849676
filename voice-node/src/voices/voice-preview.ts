import { MAX_PREVIEW_MS, type ProviderSettings, type Reply, type VoicePreview, type VoicePreviewAudio } from '@glyphoxa/protocol';
import { createTts, type TtsProvider } from '@glyphoxa/providers';
import { encodeWav } from '@glyphoxa/providers/wav';
import { createEspeakTts, speaksLocally } from './espeak.ts';

/** A preview is one short line: a vendor that has not started speaking by then is reported, not waited for. */
const PREVIEW_TIMEOUT_MS = 10_000;

export interface VoicePreviewOptions {
  /** The node's own providers (`DEFAULT_PROVIDERS`), for a tenant with no TTS of its own. */
  defaultProviders: ProviderSettings;
  /** The keyless voice; espeak-ng by default. */
  localVoice?: TtsProvider;
}

/**
 * Speaks a `voice_preview` line with the voice a session would give that voice (the
 * tenant's TTS, else the node's, else espeak-ng: `speaksLocally`) and answers with the
 * audio as a WAV, cut at MAX_PREVIEW_MS. A vendor failure is a failed reply naming it.
 */
export function createVoicePreview(options: VoicePreviewOptions): (request: VoicePreview) => Promise<Reply> {
  const localVoice = options.localVoice ?? createEspeakTts();
  return async (request) => {
    const endpoint = request.tts ?? options.defaultProviders.tts;
    const local = speaksLocally(request.voice.provider, endpoint);
    const tts = local || !endpoint ? localVoice : createTts(endpoint, { timeoutMs: PREVIEW_TIMEOUT_MS, retries: 1 });
    try {
      const data = await speak(tts, request, local ? 'espeak' : endpoint!.kind);
      return { type: 'reply', request_id: request.request_id, ok: true, data };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { type: 'reply', request_id: request.request_id, ok: false, error: { code: 'voice_preview_failed', message: message.slice(0, 500) } };
    }
  };
}

async function speak(tts: TtsProvider, request: VoicePreview, spokenBy: string): Promise<VoicePreviewAudio> {
  const cut = new AbortController();
  const chunks: Int16Array[] = [];
  let rate = 0;
  let length = 0;
  try {
    for await (const chunk of tts.synthesize({ text: request.text, voice: request.voice, signal: cut.signal })) {
      rate = chunk.sampleRate;
      const room = Math.floor((MAX_PREVIEW_MS / 1000) * rate) - length;
      chunks.push(chunk.samples.subarray(0, room));
      length += Math.min(room, chunk.samples.length);
      if (room <= chunk.samples.length) {
        cut.abort();
        break;
      }
    }
  } catch (error) {
    if (!cut.signal.aborted) throw error;
  }
  if (length === 0) throw new Error(`${tts.name} spoke no audio`);
  const samples = new Int16Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return { wav_base64: Buffer.from(encodeWav(samples, rate)).toString('base64'), duration_ms: Math.round((length / rate) * 1000), spoken_by: spokenBy };
}
