import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { elevenLabsClient } from '../elevenlabs-client.ts';
import { pcmToBytes } from '../pcm.ts';
import { Resilience, type ResilienceOptions, VendorFailure } from '../resilience.ts';
import type { SttProvider } from '../types.ts';
import { wsUpgradeFailure } from '../ws-upgrade.ts';
import { sttProvider } from './recognition.ts';
import { STT_SAMPLE_RATE, uploadWhenEnded, type Utterance } from './utterance.ts';

/**
 * ElevenLabs Scribe, streamed: realtime speech to text over its WebSocket
 * (`/v1/speech-to-text/realtime`, manual commits), audio sent as it is written,
 * partial transcripts as they come, one commit at the end for the final. The batch
 * fallback is `POST /v1/speech-to-text` (a WAV). Realtime models are the batch
 * model's `_realtime` sibling (`scribe_v2` streams as `scribe_v2_realtime`); either
 * name may be configured.
 */
export function elevenLabsStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  const name = 'elevenlabs-stt';
  const client = elevenLabsClient(endpoint, name);
  const resilience = new Resilience(name, options, endpoint.api_key);
  const batchModel = endpoint.model.replace(/_realtime$/, '');
  const realtimeModel = `${batchModel}_realtime`;
  return sttProvider(
    name,
    resilience,
    {
      stream: async (utterance, signal, partial) => realtime(await client, realtimeModel, utterance, signal, partial),
      batch: uploadWhenEnded(async (wav, attempt, { language }) => {
        const reply = await (await client).speechToText.convert(
          { file: new File([wav], 'utterance.wav', { type: 'audio/wav' }), modelId: batchModel, ...(language ? { languageCode: language } : {}) },
          { abortSignal: attempt },
        );
        // The reply type also covers multichannel and webhook answers, which this request never asks for.
        if (!('text' in reply) || typeof reply.text !== 'string') throw new VendorFailure('reply without a transcript', false);
        return reply.text;
      }),
    },
    client,
  );
}

async function realtime(client: ElevenLabsClient, model: string, utterance: Utterance, signal: AbortSignal, partial: (text: string) => void): Promise<string> {
  const { AudioFormat, CommitStrategy, RealtimeEvents } = await import('@elevenlabs/elevenlabs-js');
  const connection = await client.speechToText.realtime.connect({
    modelId: model,
    audioFormat: AudioFormat.PCM_16000,
    sampleRate: STT_SAMPLE_RATE,
    commitStrategy: CommitStrategy.MANUAL,
    ...(utterance.language ? { languageCode: utterance.language } : {}),
  });
  const close = () => connection.close();
  signal.addEventListener('abort', close, { once: true });
  let opened = false;
  let committed = false;
  try {
    const transcript = new Promise<string>((resolve, reject) => {
      connection.on(RealtimeEvents.PARTIAL_TRANSCRIPT, (message) => partial(message.text ?? ''));
      connection.on(RealtimeEvents.COMMITTED_TRANSCRIPT, (message) => resolve(message.text ?? ''));
      connection.on(RealtimeEvents.ERROR, (error) => {
        if (error instanceof Error) reject(opened ? error : wsUpgradeFailure(error));
        // The vendor's own error messages: a refused key or quota is final, the rest worth a retry elsewhere.
        else reject(new VendorFailure(`${error.message_type}: ${error.error}`, !['auth_error', 'quota_exceeded', 'unaccepted_terms', 'invalid_request'].includes(error.message_type)));
      });
      connection.on(RealtimeEvents.CLOSE, () => reject(new VendorFailure(committed ? 'connection closed before the final transcript' : 'connection closed mid-utterance', true)));
    });
    transcript.catch(() => {});
    await Promise.race([new Promise<void>((resolve) => connection.on(RealtimeEvents.OPEN, () => resolve())), transcript]);
    opened = true;
    const sent = (async () => {
      for await (const samples of utterance.read(signal)) connection.send({ audioBase64: Buffer.from(pcmToBytes(samples)).toString('base64') });
      if (signal.aborted) return;
      committed = true;
      connection.commit();
    })();
    // A connection lost mid-utterance fails the attempt now, not when the speaker stops.
    await Promise.race([sent, transcript]);
    return await transcript;
  } finally {
    signal.removeEventListener('abort', close);
    close();
  }
}
