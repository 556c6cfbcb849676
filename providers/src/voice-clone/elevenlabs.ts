import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { elevenLabsClient } from '../elevenlabs-client.ts';
import { Resilience, type ResilienceOptions } from '../resilience.ts';
import { ProviderError } from '../types.ts';

/** A recording to clone a voice from, as uploaded. */
export interface VoiceRecording {
  bytes: Uint8Array<ArrayBuffer>;
  filename: string;
  contentType: string;
}

/** A TTS vendor's voice cloning: a voice made from recordings, usable by its voice id. */
export interface VoiceCloner {
  readonly name: string;
  /** Clones a voice from `recording`; resolves with the vendor's voice id. */
  add(name: string, recording: VoiceRecording, description?: string): Promise<string>;
  /** Deletes a cloned voice: false when the vendor had no such voice (already gone). */
  remove(voiceId: string): Promise<boolean>;
}

/** Cloning takes the vendor longer than speech does. */
const CLONE_TIMEOUT_MS = 60_000;

/**
 * ElevenLabs instant voice cloning: `POST /v1/voices/add` (multipart: name, files) and
 * `DELETE /v1/voices/{voice_id}`, through the official SDK. Adding is never retried: a
 * retry after a lost answer would clone the voice twice.
 */
export function elevenLabsVoiceCloner(endpoint: ProviderEndpoint, options: ResilienceOptions = {}): VoiceCloner {
  const name = 'elevenlabs-voices';
  const client = elevenLabsClient(endpoint, name);
  const resilience = new Resilience(name, { timeoutMs: CLONE_TIMEOUT_MS, ...options }, endpoint.api_key);
  return {
    name,
    async add(voiceName, { bytes, filename, contentType }, description) {
      const created = await resilience.call(
        undefined,
        async (signal) => (await client).voices.ivc.create({ name: voiceName, files: [new File([bytes], filename, { type: contentType })], ...(description && { description }) }, { abortSignal: signal }),
        client,
        0,
      );
      return created.voiceId;
    },
    async remove(voiceId) {
      try {
        await resilience.call(undefined, async (signal) => (await client).voices.delete(voiceId, { abortSignal: signal }), client);
        return true;
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) return false;
        throw error;
      }
    },
  };
}
export { ProviderError } from '../types.ts';
