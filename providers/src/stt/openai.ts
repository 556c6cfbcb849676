import { toFile } from 'openai';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { openAiClient } from '../openai-client.ts';
import { Resilience, type ResilienceOptions, VendorFailure } from '../resilience.ts';
import type { SttProvider } from '../types.ts';
import { sttProvider } from './recognition.ts';
import { uploadWhenEnded } from './utterance.ts';

/** OpenAI-compatible `/audio/transcriptions` (OpenAI, Groq, whisper.cpp): the utterance is uploaded as a WAV once it ended. */
export function openAiStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  const name = 'openai-stt';
  const client = openAiClient(endpoint);
  const resilience = new Resilience(name, options, endpoint.api_key);
  return sttProvider(name, resilience, {
    batch: uploadWhenEnded(async (wav, attempt, { language }) => {
      const file = await toFile(wav, 'utterance.wav', { type: 'audio/wav' });
      const reply = await client.audio.transcriptions.create({ file, model: endpoint.model, ...(language ? { language } : {}) }, { signal: attempt });
      // Compatible servers vary; a reply without text must not pass as silence.
      if (typeof reply.text !== 'string') throw new VendorFailure('reply without a transcript', false);
      return reply.text;
    }),
  });
}
