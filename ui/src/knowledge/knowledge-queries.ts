import { queryOptions } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A campaign's knowledge, read through the typed client (edge/src/routes/api/knowledge.ts). */

const tenant = (id: string) => api.tenants[':id'];
export type Entity = InferResponseType<ReturnType<typeof tenant>['entities'][':entityId']['$get'], 200>['entity'];
export type Relationship = InferResponseType<ReturnType<typeof tenant>['relationships'][':relationshipId']['accept']['$post'], 200>['relationship'];
export type LoreDocument = InferResponseType<ReturnType<typeof tenant>['lore'][':documentId']['$get'], 200>['document'];

export const knowledgeKeys = {
  all: (tenantId: string, campaignId: string) => ['tenants', tenantId, 'campaigns', campaignId, 'knowledge'] as const,
  entities: (tenantId: string, campaignId: string) => [...knowledgeKeys.all(tenantId, campaignId), 'entities'] as const,
  relationships: (tenantId: string, campaignId: string) => [...knowledgeKeys.all(tenantId, campaignId), 'relationships'] as const,
  lore: (tenantId: string, campaignId: string) => [...knowledgeKeys.all(tenantId, campaignId), 'lore'] as const,
};

/** The screen shows a campaign's first 500 of each: the API's largest page. */
const PAGE = { limit: '500' };

export const entitiesQuery = (tenantId: string, campaignId: string) =>
  queryOptions({
    queryKey: knowledgeKeys.entities(tenantId, campaignId),
    queryFn: async () => (await (await api.tenants[':id'].campaigns[':campaignId'].entities.$get({ param: { id: tenantId, campaignId }, query: PAGE })).json()).entities,
  });

export const relationshipsQuery = (tenantId: string, campaignId: string) =>
  queryOptions({
    queryKey: knowledgeKeys.relationships(tenantId, campaignId),
    queryFn: async () => (await (await api.tenants[':id'].campaigns[':campaignId'].relationships.$get({ param: { id: tenantId, campaignId }, query: PAGE })).json()).relationships,
  });

export const loreQuery = (tenantId: string, campaignId: string) =>
  queryOptions({
    queryKey: knowledgeKeys.lore(tenantId, campaignId),
    queryFn: async () => (await (await api.tenants[':id'].campaigns[':campaignId'].lore.$get({ param: { id: tenantId, campaignId }, query: PAGE })).json()).documents,
  });
