import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { elevenLabsClient } from '../elevenlabs-client.ts';
import { Resilience, type ResilienceOptions, VendorFailure } from '../resilience.ts';
import type { SttProvider } from '../types.ts';
import { sttProvider } from './recognition.ts';
import { uploadWhenEnded } from './utterance.ts';

/** ElevenLabs speech to text (`POST /v1/speech-to-text`): the utterance is uploaded as a WAV once it ended. */
export function elevenLabsStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  const name = 'elevenlabs-stt';
  const client = elevenLabsClient(endpoint, name);
  const resilience = new Resilience(name, options, endpoint.api_key);
  return sttProvider(
    name,
    resilience,
    {
      batch: uploadWhenEnded(async (wav, attempt, { language }) => {
        const reply = await (await client).speechToText.convert(
          { file: new File([wav], 'utterance.wav', { type: 'audio/wav' }), modelId: endpoint.model, ...(language ? { languageCode: language } : {}) },
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
