import { queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's API keys, read through the typed client (edge/src/routes/api/api-keys.ts). */

const keys = api.tenants[':id'].keys;
export type ApiKey = InferResponseType<typeof keys.$get, 200>['api_keys'][number];
export type CreatedApiKey = InferResponseType<typeof keys.$post, 201>['api_key'];
export type NewApiKeyBody = InferRequestType<typeof keys.$post>['json'];
export type ApiKeyScope = NewApiKeyBody['scopes'][number];

/** What each scope lets a key do; typed by the API's scope enum, so a new scope fails to compile until it is named here. */
export const SCOPE_NAMES: Record<ApiKeyScope, string> = {
  read: 'Read campaigns, sessions and usage',
  write: 'Change campaigns, NPCs and settings',
  sessions: 'Start and stop sessions',
  billing: 'Manage the subscription',
};

export const apiKeyKeys = { list: (tenantId: string) => ['tenants', tenantId, 'api-keys'] as const };

export const apiKeysQuery = (tenantId: string) =>
  queryOptions({
    queryKey: apiKeyKeys.list(tenantId),
    queryFn: async () => (await (await keys.$get({ param: { id: tenantId } })).json()).api_keys,
  });
