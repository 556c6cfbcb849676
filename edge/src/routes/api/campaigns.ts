import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { createCampaign, createNpc, deleteCampaign, deleteNpc, getCampaign, getNpc, listCampaigns, listNpcs, updateCampaign, updateNpc } from '../../operations/campaigns.ts';
import { httpContext } from '../../operations/context.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import {
  CampaignAnswer,
  CampaignBodySchema,
  CampaignListQuerySchema,
  CampaignParamsSchema,
  CampaignsAnswer,
  DeletedAnswer,
  NpcAnswer,
  NpcBodySchema,
  NpcParamsSchema,
  NpcsAnswer,
} from './campaign-schemas.ts';
import { answers, input } from './contract.ts';

/** A tenant's campaigns and their NPCs, over operations/campaigns.ts. */
export function campaignRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/campaigns', answers('List campaigns', 200, CampaignsAnswer), input('param', TenantParamsSchema), input('query', CampaignListQuerySchema), async (c) => {
      const { q, limit } = c.req.valid('query');
      return c.json({ campaigns: await listCampaigns(httpContext(c), c.var.principal, c.req.valid('param').id, { typed: q, limit }) });
    })
    .post('/tenants/:id/campaigns', answers('Create a campaign', 201, CampaignAnswer), input('param', TenantParamsSchema), input('json', CampaignBodySchema), async (c) =>
      c.json({ campaign: await createCampaign(httpContext(c), c.var.principal, c.req.valid('param').id, { campaign: c.req.valid('json'), npcs: [], entities: [] }, { makeCurrent: false }) }, 201),
    )
    .get('/tenants/:id/campaigns/:campaignId', answers('Get a campaign', 200, CampaignAnswer), input('param', CampaignParamsSchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json({ campaign: await getCampaign(httpContext(c), c.var.principal, id, campaignId) });
    })
    .put('/tenants/:id/campaigns/:campaignId', answers('Replace a campaign', 200, CampaignAnswer), input('param', CampaignParamsSchema), input('json', CampaignBodySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json({ campaign: await updateCampaign(httpContext(c), c.var.principal, id, campaignId, c.req.valid('json')) });
    })
    .delete('/tenants/:id/campaigns/:campaignId', answers('Delete a campaign', 200, DeletedAnswer), input('param', CampaignParamsSchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      await deleteCampaign(httpContext(c), c.var.principal, id, campaignId);
      return c.json({ deleted: true as const });
    })
    .get('/tenants/:id/campaigns/:campaignId/npcs', answers("List a campaign's NPCs", 200, NpcsAnswer), input('param', CampaignParamsSchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json({ npcs: await listNpcs(httpContext(c), c.var.principal, id, campaignId) });
    })
    .post('/tenants/:id/campaigns/:campaignId/npcs', answers('Create an NPC', 201, NpcAnswer), input('param', CampaignParamsSchema), input('json', NpcBodySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json({ npc: await createNpc(httpContext(c), c.var.principal, id, campaignId, c.req.valid('json')) }, 201);
    })
    .get('/tenants/:id/npcs/:npcId', answers('Get an NPC', 200, NpcAnswer), input('param', NpcParamsSchema), async (c) => {
      const { id, npcId } = c.req.valid('param');
      return c.json({ npc: await getNpc(httpContext(c), c.var.principal, id, npcId) });
    })
    .put('/tenants/:id/npcs/:npcId', answers('Replace an NPC', 200, NpcAnswer), input('param', NpcParamsSchema), input('json', NpcBodySchema), async (c) => {
      const { id, npcId } = c.req.valid('param');
      return c.json({ npc: await updateNpc(httpContext(c), c.var.principal, id, npcId, c.req.valid('json')) });
    })
    .delete('/tenants/:id/npcs/:npcId', answers('Delete an NPC', 200, DeletedAnswer), input('param', NpcParamsSchema), async (c) => {
      const { id, npcId } = c.req.valid('param');
      await deleteNpc(httpContext(c), c.var.principal, id, npcId);
      return c.json({ deleted: true as const });
    });
}
