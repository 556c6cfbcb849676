import { queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import type { ProviderRole } from '@glyphoxa/db/provider-kinds';
import { api } from '../api/client.ts';

/** A tenant's own providers, read through the typed client (edge/src/routes/api/providers.ts). */

const providers = api.tenants[':id'].providers;
export type Provider = InferResponseType<typeof providers.$get, 200>['providers'][number];
export type ProviderBody = InferRequestType<(typeof providers)[':role']['$put']>['json'];
export type ProviderCheck = InferResponseType<(typeof providers)[':role']['test']['$post'], 200>;

/** What each slot does, in the DM's words; keyed by the slots the edge has, so a new one fails to compile until it is named. */
export const SLOTS: Record<ProviderRole, { title: string; purpose: string; empty: string }> = {
  llm: { title: 'Language model', purpose: 'Thinks up what each NPC says.', empty: "Sessions use the voice node's default language model." },
  stt: { title: 'Speech to text', purpose: 'Hears what the players say.', empty: "Sessions use the voice node's default speech to text." },
  tts: { title: 'Text to speech', purpose: 'Gives the NPCs their voices.', empty: 'NPCs speak with espeak-ng, the keyless local voice.' },
  embeddings: { title: 'Embeddings', purpose: "Lets campaign memory find passages by meaning.", empty: 'Campaign memory search is off until one is set.' },
};

/** Where each vendor's API lives, offered when a kind is picked. */
export const DEFAULT_BASE_URL: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  deepgram: 'https://api.deepgram.com',
  elevenlabs: 'https://api.elevenlabs.io',
  espeak: 'http://127.0.0.1',
};

export const providerKeys = { list: (tenantId: string) => ['tenants', tenantId, 'providers'] as const };

export const providersQuery = (tenantId: string) =>
  queryOptions({
    queryKey: providerKeys.list(tenantId),
    queryFn: async () => (await (await providers.$get({ param: { id: tenantId } })).json()).providers,
  });

export async function saveProvider(tenantId: string, role: ProviderRole, body: ProviderBody) {
  return (await (await providers[':role'].$put({ param: { id: tenantId, role }, json: body })).json()).provider;
}

export async function removeProvider(tenantId: string, role: ProviderRole) {
  await providers[':role'].$delete({ param: { id: tenantId, role } });
}

export async function testProvider(tenantId: string, role: ProviderRole): Promise<ProviderCheck> {
  return (await providers[':role'].test.$post({ param: { id: tenantId, role }, json: {} })).json();
}
