import { DeepgramClient } from '@deepgram/sdk';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { requireKey } from '../endpoint.ts';
import { pcmToBytes } from '../pcm.ts';
import { Resilience, type ResilienceOptions, VendorFailure } from '../resilience.ts';
import type { SttProvider } from '../types.ts';
import { openUtterance, STT_SAMPLE_RATE, type Utterance } from './utterance.ts';

type Listen = DeepgramClient['listen']['v1'];

/**
 * Deepgram live transcription over its WebSocket (`/v1/listen`): audio goes out as it is
 * written, `CloseStream` at the end, and the transcript is the final `Results` joined.
 * `base_url` is the API root, `https://api.deepgram.com` or its `wss://` form.
 */
export function deepgramStt(endpoint: ProviderEndpoint, options?: ResilienceOptions): SttProvider {
  const name = 'deepgram-stt';
  const apiKey = requireKey(endpoint, name);
  // The SDK's own reconnects are off: a retry must replay the utterance, which only `Resilience` does.
  const client = new DeepgramClient({ apiKey, baseUrl: endpoint.base_url.replace(/^http/, 'ws'), reconnect: false });
  const resilience = new Resilience(name, options, apiKey);
  return {
    name,
    open: ({ signal, language }) =>
      openUtterance(resilience, signal, (utterance, attempt) => listen(client.listen.v1, endpoint.model, language, utterance, attempt)),
  };
}

async function listen(client: Listen, model: string, language: string | undefined, utterance: Utterance, signal: AbortSignal): Promise<string> {
  const connection = await client.connect({
    model,
    encoding: 'linear16',
    sample_rate: STT_SAMPLE_RATE,
    channels: 1,
    ...(language ? { language } : {}),
    reconnectAttempts: 0,
    abortSignal: signal,
  });
  const finals: string[] = [];
  let opened = false;
  let closing = false;
  const transcript = new Promise<string>((resolve, reject) => {
    connection.on('message', (message) => {
      // Defensive reads: the SDK parses the JSON but does not check it.
      if (message.type === 'Results' && message.is_final) finals.push(message.channel?.alternatives?.[0]?.transcript ?? '');
    });
    // Before the open, `waitForOpen` reports failures (with the HTTP status) and nobody awaits this promise yet.
    connection.on('error', (error) => opened && reject(error));
    connection.on('close', (event) => {
      if (!opened) return;
      // 1000 after our CloseStream is the normal end; anything else lost (part of) the utterance.
      if (closing && event.code === 1000) resolve(finals.filter(Boolean).join(' '));
      else reject(new VendorFailure(`connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`, true));
    });
  });
  connection.connect();
  await connection.waitForOpen().catch((event: unknown) => {
    throw upgradeFailure(event);
  });
  opened = true;
  const sent = (async () => {
    for await (const samples of utterance.read(signal)) connection.sendMedia(pcmToBytes(samples));
    if (signal.aborted) return;
    closing = true;
    connection.sendCloseStream({ type: 'CloseStream' });
  })();
  // A connection lost mid-utterance fails the attempt now, not when the speaker stops.
  await Promise.race([sent, transcript]);
  return await transcript;
}

/**
 * A refused WebSocket upgrade, with its HTTP status when the socket library reports
 * it (`ws`, in Node and Bun: "Unexpected server response: 401"), so a bad key is not retried.
 */
function upgradeFailure(event: unknown): Error {
  const message = (event as { message?: unknown } | undefined)?.message;
  const status = typeof message === 'string' ? /server response: (\d{3})/.exec(message)?.[1] : undefined;
  if (status) return Object.assign(new Error('WebSocket upgrade refused'), { status: Number(status) });
  return new Error(typeof message === 'string' && message ? message : 'WebSocket upgrade failed');
}
