import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { ProviderError } from './types.ts';

/** The endpoint's key, for vendors that cannot work without one. */
export function requireKey(endpoint: ProviderEndpoint, provider: string): string {
  if (!endpoint.api_key) throw new ProviderError(provider, 'no API key configured', false);
  return endpoint.api_key;
}
