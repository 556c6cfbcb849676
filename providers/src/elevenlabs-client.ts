import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { requireKey } from './endpoint.ts';

let sdk: Promise<typeof import('@elevenlabs/elevenlabs-js')> | undefined;

/**
 * The ElevenLabs SDK pointed at `base_url` (`https://api.elevenlabs.io`), its retries
 * left to `Resilience`. The SDK takes over a second to load, so it loads (once) when
 * the first ElevenLabs provider is created, not whenever this package is imported;
 * callers keep the load off the vendor's clock (`Resilience`'s `ready`).
 */
export function elevenLabsClient(endpoint: ProviderEndpoint, provider: string): Promise<ElevenLabsClient> {
  const apiKey = requireKey(endpoint, provider);
  sdk ??= import('@elevenlabs/elevenlabs-js');
  const client = sdk.then(({ ElevenLabsClient }) => new ElevenLabsClient({ baseUrl: endpoint.base_url, apiKey, maxRetries: 0 }));
  // A failed load is reported by the first call that awaits the client.
  client.catch(() => {});
  return client;
}
