import {
  addEntity,
  deleteEntity as removeEntity,
  getEntity as readEntity,
  listEntities as readEntities,
  neighbourhood as walkNeighbourhood,
  searchCampaign as readSearch,
  updateEntity as writeEntity,
  type EntityFields,
  type EntityKind,
} from '@glyphoxa/db';
import { audit } from '../../audit.ts';
import { ApiError } from '../../errors.ts';
import type { Principal } from '../../principal.ts';
import { viewEntity, viewRelationship, viewSearchHit } from '../../views/knowledge.ts';
import type { OperationContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { relayToSessions } from '../relay-to-sessions.ts';
import { campaignMissing, requireCampaign } from './campaign-check.ts';

export const entityMissing = (id: string) => () => new ApiError(404, 'entity_not_found', `No entity ${id}`);

export async function listEntities(
  ctx: OperationContext,
  principal: Principal,
  tenantId: string,
  campaignId: string,
  page: { type?: EntityKind | undefined; offset: number; limit: number },
) {
  authorize(principal, 'campaigns.view', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  const { entities, total } = await readEntities(ctx.db(), tenantId, campaignId, page);
  return { entities: entities.map(viewEntity), total };
}

export async function getEntity(ctx: OperationContext, principal: Principal, tenantId: string, entityId: string) {
  authorize(principal, 'campaigns.view', tenantId, entityMissing(entityId));
  const entity = await readEntity(ctx.db(), tenantId, entityId);
  if (!entity) throw entityMissing(entityId)();
  return viewEntity(entity);
}

/** Shared by the web's form and Discord's `/entity add`. */
export async function createEntity(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, fields: EntityFields) {
  authorize(principal, 'knowledge.manage', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  const entity = await addEntity(ctx.db(), tenantId, campaignId, fields);
  if (!entity) throw new ApiError(409, 'conflict', 'name: This campaign already has an entity of this name', 'name');
  const view = viewEntity(entity);
  await audit(ctx, principal, { tenantId, action: 'entity.create', target: entity.id, detail: { campaign_id: campaignId }, after: view });
  await relayToSessions(ctx, tenantId, campaignId, 'knowledge');
  return view;
}

export async function updateEntity(ctx: OperationContext, principal: Principal, tenantId: string, entityId: string, fields: EntityFields) {
  authorize(principal, 'knowledge.manage', tenantId, entityMissing(entityId));
  const db = ctx.db();
  const before = await readEntity(db, tenantId, entityId);
  const after = before && (await writeEntity(db, tenantId, entityId, fields));
  if (!before || !after) throw entityMissing(entityId)();
  const view = viewEntity(after);
  await audit(ctx, principal, { tenantId, action: 'entity.update', target: entityId, before: viewEntity(before), after: view });
  await relayToSessions(ctx, tenantId, after.campaignId, 'knowledge');
  return view;
}

/** Its relationships go with it (the foreign keys cascade). */
export async function deleteEntity(ctx: OperationContext, principal: Principal, tenantId: string, entityId: string) {
  authorize(principal, 'knowledge.manage', tenantId, entityMissing(entityId));
  const deleted = await removeEntity(ctx.db(), tenantId, entityId);
  if (!deleted) throw entityMissing(entityId)();
  const view = viewEntity(deleted);
  await audit(ctx, principal, { tenantId, action: 'entity.delete', target: entityId, detail: { campaign_id: deleted.campaignId }, before: view });
  await relayToSessions(ctx, tenantId, deleted.campaignId, 'knowledge');
  return view;
}

/** The entities within `depth` (at most 3) steps of one, and the edges between them. */
export async function entityNeighbourhood(
  ctx: OperationContext,
  principal: Principal,
  tenantId: string,
  entityId: string,
  options: { depth: number; confirmedOnly: boolean },
) {
  authorize(principal, 'campaigns.view', tenantId, entityMissing(entityId));
  const db = ctx.db();
  const start = await readEntity(db, tenantId, entityId);
  const found = start && (await walkNeighbourhood(db, tenantId, start.campaignId, entityId, options));
  if (!found) throw entityMissing(entityId)();
  return {
    entities: found.entities.map((e) => ({ ...viewEntity(e), depth: e.depth })),
    relationships: found.relationships.map(viewRelationship),
  };
}

/** Full-text search across the campaign's entities, lore documents and transcripts. */
export async function searchKnowledge(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, query: string, limit: number) {
  authorize(principal, 'transcripts.view', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  return (await readSearch(ctx.db(), tenantId, campaignId, query, limit)).map(viewSearchHit);
}
