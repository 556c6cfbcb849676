import {
  createCampaign as insertCampaign,
  createNpc as insertNpc,
  deleteCampaign as removeCampaign,
  deleteNpc as removeNpc,
  getCampaign as readCampaign,
  getNpc as readNpc,
  listCampaigns as readCampaigns,
  listNpcs as readNpcs,
  updateCampaign as writeCampaign,
  updateNpc as writeNpc,
  type CampaignContent,
  type CampaignFields,
  type NpcFields,
} from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { viewCampaign, viewNpc } from '../views/campaign.ts';
import type { OperationContext } from './context.ts';
import { relayToSessions } from './relay-to-sessions.ts';
import { authorize } from './permissions.ts';
import { planLimitError } from '../billing/plan-limit-error.ts';
import { tenantLimits } from '../billing/tenant-limits.ts';
import { mustGetTenant } from './tenants.ts';
import { serverToolProblems } from './mcp-servers.ts';

const campaignMissing = (id: string) => () => new ApiError(404, 'campaign_not_found', `No campaign ${id}`);
const npcMissing = (id: string) => () => new ApiError(404, 'npc_not_found', `No NPC ${id}`);

/** An NPC body granting tools of servers the tenant lacks (beyond those it `kept`): 400 naming the entry (`tools.1`), before anything is written. */
async function refuseServerTools(ctx: OperationContext, tenantId: string, fields: NpcFields, kept?: readonly string[]) {
  const [problem] = await serverToolProblems(ctx.db(), tenantId, [fields], kept);
  if (problem) throw new ApiError(400, 'invalid_request', problem.message, problem.field);
}

export async function listCampaigns(ctx: OperationContext, principal: Principal, tenantId: string, filter: { typed?: string; limit: number }) {
  authorize(principal, 'campaigns.view', tenantId);
  return (await readCampaigns(ctx.db(), tenantId, filter)).map(viewCampaign);
}

export async function getCampaign(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string) {
  authorize(principal, 'campaigns.view', tenantId, campaignMissing(campaignId));
  const campaign = await readCampaign(ctx.db(), tenantId, campaignId);
  if (!campaign) throw campaignMissing(campaignId)();
  return viewCampaign(campaign);
}

/**
 * Creates a campaign with what it holds (the web's form: nothing yet; Discord's
 * `/campaign load`: a file's NPCs and entities), with `makeCurrent` as the tenant's current one.
 */
export async function createCampaign(ctx: OperationContext, principal: Principal, tenantId: string, content: CampaignContent, options: { makeCurrent: boolean }) {
  authorize(principal, 'campaigns.manage', tenantId);
  const effective = await tenantLimits(ctx, await mustGetTenant(ctx.db(), tenantId));
  const problems = await serverToolProblems(ctx.db(), tenantId, content.npcs);
  if (problems.length > 0) {
    const where = (p: (typeof problems)[number]) => `npcs #${p.npc + 1} (${content.npcs[p.npc]!.name}): ${p.message}`;
    throw new ApiError(400, 'invalid_request', problems.map(where).join('; '), `npcs.${problems[0]!.npc}.${problems[0]!.field}`);
  }
  const campaign = await insertCampaign(ctx.db(), tenantId, content, { ...options, maxNpcs: effective.limits.npcs });
  if (!campaign) throw new ApiError(409, 'campaign_exists', 'name: You already have a campaign of this name', 'name');
  if ('limitReached' in campaign) throw planLimitError(effective, 'npcs', campaign.limitReached, content.npcs.length);
  const view = viewCampaign(campaign);
  const detail = { npcs: content.npcs.length, entities: content.entities.length, current: options.makeCurrent };
  await audit(ctx, principal, { tenantId, action: 'campaign.create', target: campaign.id, detail, after: view });
  return view;
}

export async function updateCampaign(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, fields: CampaignFields) {
  authorize(principal, 'campaigns.manage', tenantId, campaignMissing(campaignId));
  const db = ctx.db();
  const before = await readCampaign(db, tenantId, campaignId);
  const after = before && (await writeCampaign(db, tenantId, campaignId, fields));
  if (!before || !after) throw campaignMissing(campaignId)();
  const view = viewCampaign(after);
  await audit(ctx, principal, { tenantId, action: 'campaign.update', target: campaignId, before: viewCampaign(before), after: view });
  return view;
}

export async function deleteCampaign(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string) {
  authorize(principal, 'campaigns.manage', tenantId, campaignMissing(campaignId));
  const deleted = await removeCampaign(ctx.db(), tenantId, campaignId);
  if (!deleted) throw campaignMissing(campaignId)();
  await audit(ctx, principal, { tenantId, action: 'campaign.delete', target: campaignId, before: viewCampaign(deleted) });
}

export async function listNpcs(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string) {
  authorize(principal, 'campaigns.view', tenantId, campaignMissing(campaignId));
  const npcs = await readNpcs(ctx.db(), tenantId, campaignId);
  if (!npcs) throw campaignMissing(campaignId)();
  return npcs.map(viewNpc);
}

export async function createNpc(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, fields: NpcFields) {
  authorize(principal, 'npcs.manage', tenantId, campaignMissing(campaignId));
  const effective = await tenantLimits(ctx, await mustGetTenant(ctx.db(), tenantId));
  await refuseServerTools(ctx, tenantId, fields);
  const npc = await insertNpc(ctx.db(), tenantId, campaignId, fields, effective.limits.npcs);
  if (!npc) throw campaignMissing(campaignId)();
  if ('limitReached' in npc) throw planLimitError(effective, 'npcs', npc.limitReached);
  const view = viewNpc(npc);
  await audit(ctx, principal, { tenantId, action: 'npc.create', target: npc.id, detail: { campaign_id: campaignId }, after: view });
  await relayToSessions(ctx, tenantId, campaignId, 'npcs');
  return view;
}

export async function getNpc(ctx: OperationContext, principal: Principal, tenantId: string, npcId: string) {
  authorize(principal, 'campaigns.view', tenantId, npcMissing(npcId));
  const npc = await readNpc(ctx.db(), tenantId, npcId);
  if (!npc) throw npcMissing(npcId)();
  return viewNpc(npc);
}

export async function updateNpc(ctx: OperationContext, principal: Principal, tenantId: string, npcId: string, fields: NpcFields) {
  authorize(principal, 'npcs.manage', tenantId, npcMissing(npcId));
  const db = ctx.db();
  const before = await readNpc(db, tenantId, npcId);
  if (before) await refuseServerTools(ctx, tenantId, fields, before.tools);
  const after = before && (await writeNpc(db, tenantId, npcId, fields));
  if (!before || !after) throw npcMissing(npcId)();
  const view = viewNpc(after);
  await audit(ctx, principal, { tenantId, action: 'npc.update', target: npcId, before: viewNpc(before), after: view });
  await relayToSessions(ctx, tenantId, after.campaignId, 'npcs');
  return view;
}

export async function deleteNpc(ctx: OperationContext, principal: Principal, tenantId: string, npcId: string) {
  authorize(principal, 'npcs.manage', tenantId, npcMissing(npcId));
  const deleted = await removeNpc(ctx.db(), tenantId, npcId);
  if (!deleted) throw npcMissing(npcId)();
  await audit(ctx, principal, { tenantId, action: 'npc.delete', target: npcId, before: viewNpc(deleted) });
  await relayToSessions(ctx, tenantId, deleted.campaignId, 'npcs');
}

