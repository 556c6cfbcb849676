import { queryOptions } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's campaigns and NPCs, read through the typed client (edge/src/routes/api/campaigns.ts). */

const tenant = (id: string) => api.tenants[':id'];
export type Campaign = InferResponseType<ReturnType<typeof tenant>['campaigns'][':campaignId']['$get'], 200>['campaign'];
export type Npc = InferResponseType<ReturnType<typeof tenant>['npcs'][':npcId']['$get'], 200>['npc'];

export const campaignKeys = {
  list: (tenantId: string) => ['tenants', tenantId, 'campaigns'] as const,
  one: (tenantId: string, campaignId: string) => ['tenants', tenantId, 'campaigns', campaignId] as const,
  npcs: (tenantId: string, campaignId: string) => ['tenants', tenantId, 'campaigns', campaignId, 'npcs'] as const,
  npc: (tenantId: string, npcId: string) => ['tenants', tenantId, 'npcs', npcId] as const,
};

export const campaignsQuery = (tenantId: string) =>
  queryOptions({
    queryKey: campaignKeys.list(tenantId),
    queryFn: async () => (await (await api.tenants[':id'].campaigns.$get({ param: { id: tenantId }, query: {} })).json()).campaigns,
  });

export const campaignQuery = (tenantId: string, campaignId: string) =>
  queryOptions({
    queryKey: campaignKeys.one(tenantId, campaignId),
    queryFn: async () => (await (await api.tenants[':id'].campaigns[':campaignId'].$get({ param: { id: tenantId, campaignId } })).json()).campaign,
  });

export const npcsQuery = (tenantId: string, campaignId: string) =>
  queryOptions({
    queryKey: campaignKeys.npcs(tenantId, campaignId),
    queryFn: async () => (await (await api.tenants[':id'].campaigns[':campaignId'].npcs.$get({ param: { id: tenantId, campaignId } })).json()).npcs,
  });

export const npcQuery = (tenantId: string, npcId: string) =>
  queryOptions({
    queryKey: campaignKeys.npc(tenantId, npcId),
    queryFn: async () => (await (await api.tenants[':id'].npcs[':npcId'].$get({ param: { id: tenantId, npcId } })).json()).npc,
  });
