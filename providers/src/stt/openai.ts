import { toFile } from 'openai';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { openAiClient } from '../openai-client.ts';
import { pcmToBytes } from '../pcm.ts';
import { Resilience, type ResilienceOptions, VendorFailure } from '../resilience.ts';
import type { SttProvider } from '../types.ts';
import { wsUpgradeFailure } from '../ws-upgrade.ts';
import { sttProvider } from './recognition.ts';
import { upsample16To24 } from './resample.ts';
import { uploadWhenEnded, type Utterance } from './utterance.ts';

/** Models OpenAI's realtime transcription serves; compatible servers (Groq, whisper.cpp) have batch only. */
const REALTIME_MODELS = /^gpt-(?:4o(?:-mini)?-transcribe|realtime)/;

/**
 * OpenAI-compatible speech to text. Batch: `/audio/transcriptions`, the utterance
 * uploaded as a WAV once it ended (OpenAI, Groq, whisper.cpp). OpenAI's transcription
 * models also stream over the Realtime API (`wss://…/realtime?intent=transcription`,
 * the SDK's `OpenAIRealtimeWS`): audio appended as it is written (24 kHz, which is
 * what it takes), one commit at the end, the transcript's deltas as partials. OpenAI
 * transcribes on commit, so its partials come after the speech, not during it.
 */
export function openAiStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  const name = 'openai-stt';
  const client = openAiClient(endpoint);
  const resilience = new Resilience(name, options, endpoint.api_key);
  return sttProvider(name, resilience, {
    ...(REALTIME_MODELS.test(endpoint.model) ? { stream: (utterance, signal, partial) => realtime(client, endpoint.model, utterance, signal, partial) } : {}),
    batch: uploadWhenEnded(async (wav, attempt, { language }) => {
      const file = await toFile(wav, 'utterance.wav', { type: 'audio/wav' });
      const reply = await client.audio.transcriptions.create({ file, model: endpoint.model, ...(language ? { language } : {}) }, { signal: attempt });
      // Compatible servers vary; a reply without text must not pass as silence.
      if (typeof reply.text !== 'string') throw new VendorFailure('reply without a transcript', false);
      return reply.text;
    }),
  });
}

async function realtime(
  client: ReturnType<typeof openAiClient>,
  model: string,
  utterance: Utterance,
  signal: AbortSignal,
  partial: (text: string) => void,
): Promise<string> {
  // Loaded with the first stream: the `ws` entry point is for Node and Bun only, and the edge imports this package.
  const { OpenAIRealtimeWS } = await import('openai/realtime/ws');
  const socket = new OpenAIRealtimeWS({ intent: 'transcription' }, client);
  const close = () => socket.close();
  signal.addEventListener('abort', close, { once: true });
  let opened = false;
  try {
    const transcript = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('conversation.item.input_audio_transcription.delta', (event) => partial((text += event.delta ?? '')));
      socket.on('conversation.item.input_audio_transcription.completed', (event) => resolve(event.transcript));
      socket.on('conversation.item.input_audio_transcription.failed', (event) => reject(new VendorFailure(`transcription failed: ${event.error?.message ?? 'unknown'}`, true)));
      socket.on('error', (error) => {
        const code = error.error?.code ?? '';
        if (!opened) reject(wsUpgradeFailure(error.cause ?? error));
        else reject(new VendorFailure(error.message, !/invalid_api_key|insufficient_quota|model_not_found/.test(code)));
      });
      socket.socket.on('close', (code: number) => reject(new VendorFailure(`connection closed (${code})`, true)));
    });
    transcript.catch(() => {});
    await Promise.race([new Promise<void>((resolve) => socket.socket.once('open', () => resolve())), transcript]);
    opened = true;
    socket.send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24_000 },
            transcription: { model, ...(utterance.language ? { language: utterance.language } : {}) },
            // Our VAD decides where the utterance ends: the server commits only when told.
            turn_detection: null,
          },
        },
      },
    });
    const upsample = upsample16To24();
    const sent = (async () => {
      for await (const samples of utterance.read(signal)) socket.send({ type: 'input_audio_buffer.append', audio: Buffer.from(pcmToBytes(upsample(samples))).toString('base64') });
      if (signal.aborted) return;
      socket.send({ type: 'input_audio_buffer.commit' });
    })();
    // A connection lost mid-utterance fails the attempt now, not when the speaker stops.
    await Promise.race([sent, transcript]);
    return await transcript;
  } finally {
    signal.removeEventListener('abort', close);
    close();
  }
}
