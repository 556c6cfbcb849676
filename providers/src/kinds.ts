/**
 * Providers from a tenant's (or the node's default) `ProviderEndpoint`, by `kind`.
 * What `base_url` holds per kind: `openai` the API root with its version
 * (`https://api.openai.com/v1`, `http://localhost:11434/v1`); `anthropic`, `gemini`,
 * `elevenlabs` and `deepgram` the vendor's host (`https://api.anthropic.com`...).
 * A kind that needs a key and has none, or an unknown kind, is refused with a `ProviderError`.
 */
import type { ProviderEndpoint } from '@glyphoxa/protocol';
import type { ResilienceOptions } from './resilience.ts';
import { ProviderError } from './types.ts';

export type Factory<T> = (endpoint: ProviderEndpoint, options?: ResilienceOptions) => T;

/** The factory for the endpoint's `kind`; an unknown kind is refused with a `ProviderError`. */
export function pick<T>(role: string, factories: Record<string, Factory<T>>, endpoint: ProviderEndpoint): Factory<T> {
  // `hasOwn`: a kind such as "constructor" must not find Object's prototype.
  const factory = Object.hasOwn(factories, endpoint.kind) ? factories[endpoint.kind] : undefined;
  if (!factory) {
    throw new ProviderError(role, `unknown provider kind "${endpoint.kind.slice(0, 40)}" (known: ${Object.keys(factories).join(', ')})`, false);
  }
  return factory;
}
