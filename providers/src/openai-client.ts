import OpenAI from 'openai';
import type { ProviderEndpoint } from '@glyphoxa/protocol';

/**
 * The OpenAI SDK pointed at an OpenAI-compatible endpoint (`base_url` ends in `/v1`).
 * Key, organization and project are explicit so nothing of the node's own account
 * (OPENAI_API_KEY, OPENAI_ORG_ID...) reaches a tenant's calls; retries are `Resilience`'s.
 * A keyless server (Ollama, llama.cpp) gets no Authorization header: the SDK insists
 * on a key, so it gets a placeholder whose header is then removed.
 */
export function openAiClient(endpoint: ProviderEndpoint): OpenAI {
  return new OpenAI({
    baseURL: endpoint.base_url,
    apiKey: endpoint.api_key || 'none',
    organization: null,
    project: null,
    maxRetries: 0,
    logLevel: 'off',
    ...(endpoint.api_key ? {} : { defaultHeaders: { Authorization: null } }),
  });
}
