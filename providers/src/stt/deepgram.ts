import { DeepgramClient } from '@deepgram/sdk';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { requireKey } from '../endpoint.ts';
import { pcmToBytes } from '../pcm.ts';
import { Resilience, type ResilienceOptions, VendorFailure } from '../resilience.ts';
import type { SttProvider } from '../types.ts';
import { wsUpgradeFailure } from '../ws-upgrade.ts';
import { sttProvider } from './recognition.ts';
import { STT_SAMPLE_RATE, uploadWhenEnded, type Utterance } from './utterance.ts';

type Listen = DeepgramClient['listen']['v1'];

/**
 * Deepgram, streamed: live transcription over its WebSocket (`/v1/listen` with
 * interim results), audio sent as it is written, `Finalize` at the end (the final
 * for the audio so far comes back at once) and then `CloseStream`. The batch
 * fallback is the same endpoint's REST form (`POST /v1/listen`, a WAV).
 * `base_url` is the API root, `https://api.deepgram.com` or its `wss://` form.
 */
export function deepgramStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  const name = 'deepgram-stt';
  const apiKey = requireKey(endpoint, name);
  const root = endpoint.base_url.replace(/\/+$/, '');
  const rest = root.replace(/^ws/, 'http');
  const socket = root.replace(/^http/, 'ws');
  // The SDK's own reconnects are off: a retry must replay the utterance, which only `sttProvider` does.
  const client = new DeepgramClient({ apiKey, environment: { base: rest, production: socket, agent: socket, agentRest: rest }, reconnect: false });
  const resilience = new Resilience(name, options, apiKey);
  const language = (utterance: Utterance) => (utterance.language ? { language: utterance.language } : {});
  return sttProvider(name, resilience, {
    stream: (utterance, signal, partial) => listen(client.listen.v1, { model: endpoint.model, ...language(utterance) }, utterance, signal, partial),
    batch: uploadWhenEnded(async (wav, signal, utterance) => {
      const reply = await client.listen.v1.media.transcribeFile(
        wav,
        { model: endpoint.model, punctuate: true, ...language(utterance) },
        { abortSignal: signal, maxRetries: 0 },
      );
      if (!('results' in reply)) throw new VendorFailure('reply without a transcript', false);
      return reply.results.channels.map((channel) => channel.alternatives?.[0]?.transcript ?? '').filter(Boolean).join(' ');
    }),
  });
}

const listen = async (
  client: Listen,
  settings: { model: string; language?: string },
  utterance: Utterance,
  signal: AbortSignal,
  partial: (text: string) => void,
): Promise<string> => {
  const connection = await client.connect({
    ...settings,
    punctuate: 'true',
    encoding: 'linear16',
    sample_rate: STT_SAMPLE_RATE,
    channels: 1,
    interim_results: 'true',
    reconnectAttempts: 0,
    abortSignal: signal,
  });
  const finals: string[] = [];
  let opened = false;
  let finalizing = false;
  const transcript = new Promise<string>((resolve, reject) => {
    const text = () => finals.filter(Boolean).join(' ');
    connection.on('message', (message) => {
      if (message.type !== 'Results') return;
      // Defensive reads: the SDK parses the JSON but does not check it.
      const heard = message.channel?.alternatives?.[0]?.transcript ?? '';
      if (!message.is_final) return partial([text(), heard].filter(Boolean).join(' '));
      finals.push(heard);
      partial(text());
      // The answer to our Finalize: everything sent so far is final.
      if (message.from_finalize) resolve(text());
    });
    // Before the open, `waitForOpen` reports failures (with the HTTP status) and nobody awaits this promise yet.
    connection.on('error', (error) => opened && reject(error));
    connection.on('close', (event) => {
      if (!opened) return;
      // A close after our Finalize (1000) leaves the finals as they are; anything else lost (part of) the utterance.
      if (finalizing && event.code === 1000) resolve(text());
      else reject(new VendorFailure(`connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`, true));
    });
  });
  connection.connect();
  await connection.waitForOpen().catch((event: unknown) => {
    throw wsUpgradeFailure(event);
  });
  opened = true;
  const sent = (async () => {
    for await (const samples of utterance.read(signal)) connection.sendMedia(pcmToBytes(samples));
    if (signal.aborted) return;
    finalizing = true;
    connection.sendFinalize({ type: 'Finalize' });
  })();
  // A connection lost mid-utterance fails the attempt now, not when the speaker stops.
  await Promise.race([sent, transcript]);
  try {
    return await transcript;
  } finally {
    if (connection.readyState === 1) connection.sendCloseStream({ type: 'CloseStream' });
  }
};
