import {
  addRelationship,
  deleteRelationship as removeRelationship,
  getEntity,
  getRelationship as readRelationship,
  listRelationships as readRelationships,
  updateRelationship as writeRelationship,
  type Relationship,
  type RelationshipChanges,
} from '@glyphoxa/db';
import { audit } from '../../audit.ts';
import { ApiError } from '../../errors.ts';
import type { Principal } from '../../principal.ts';
import { viewRelationship } from '../../views/knowledge.ts';
import type { OperationContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { relayToSessions } from '../relay-to-sessions.ts';
import { campaignMissing, requireCampaign } from './campaign-check.ts';

export const relationshipMissing = (id: string) => () => new ApiError(404, 'relationship_not_found', `No relationship ${id}`);

export interface NewEdge {
  source_id: string;
  target_id: string;
  type: string;
  bidirectional: boolean;
}

export async function listRelationships(
  ctx: OperationContext,
  principal: Principal,
  tenantId: string,
  campaignId: string,
  filter: { entityId?: string; confirmed?: boolean; offset: number; limit: number },
) {
  authorize(principal, 'campaigns.view', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  return (await readRelationships(ctx.db(), tenantId, campaignId, filter)).map(viewRelationship);
}

/** What the DM states: confirmed by saying it. Both ends must be entities of this campaign. */
export async function createRelationship(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, edge: NewEdge) {
  authorize(principal, 'knowledge.manage', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  if (edge.source_id === edge.target_id) throw new ApiError(400, 'invalid_request', 'target_id: must be another entity than source_id', 'target_id');
  const db = ctx.db();
  for (const field of ['source_id', 'target_id'] as const) {
    const end = await getEntity(db, tenantId, edge[field]);
    if (end?.campaignId !== campaignId) throw new ApiError(400, 'invalid_request', `${field}: no entity ${edge[field]} in this campaign`, field);
  }
  const created = await addRelationship(db, tenantId, campaignId, { sourceId: edge.source_id, targetId: edge.target_id, type: edge.type, bidirectional: edge.bidirectional, source: 'dm' });
  if (!created) throw new ApiError(409, 'conflict', 'type: These entities already have a relationship of this type', 'type');
  const view = viewRelationship(created);
  await audit(ctx, principal, { tenantId, action: 'relationship.create', target: created.id, detail: { campaign_id: campaignId }, after: view });
  await relayToSessions(ctx, tenantId, campaignId, 'knowledge');
  return view;
}

/** Changes an edge; `action` names it in the audit trail (accepting a proposal is a change too). */
async function change(ctx: OperationContext, principal: Principal, tenantId: string, id: string, changes: RelationshipChanges, action: string, allow?: (r: Relationship) => void) {
  authorize(principal, 'knowledge.manage', tenantId, relationshipMissing(id));
  const db = ctx.db();
  const before = await readRelationship(db, tenantId, id);
  if (!before) throw relationshipMissing(id)();
  allow?.(before);
  const after = await writeRelationship(db, tenantId, id, changes);
  if (!after) throw relationshipMissing(id)();
  const view = viewRelationship(after);
  await audit(ctx, principal, { tenantId, action, target: id, before: viewRelationship(before), after: view });
  await relayToSessions(ctx, tenantId, after.campaignId, 'knowledge');
  return view;
}

export const updateRelationship = (ctx: OperationContext, principal: Principal, tenantId: string, id: string, changes: RelationshipChanges) =>
  change(ctx, principal, tenantId, id, changes, 'relationship.update');

/** A proposal (from a transcript or an import) becomes a fact NPCs may be told. */
export const acceptRelationship = (ctx: OperationContext, principal: Principal, tenantId: string, id: string) =>
  change(ctx, principal, tenantId, id, { dmConfirmed: true }, 'relationship.accept', (r) => {
    if (r.dmConfirmed) throw new ApiError(409, 'already_confirmed', 'This relationship is already confirmed');
  });

/**
 * Deletes an edge. `proposalOnly` (rejecting a proposal) refuses a confirmed
 * one, so a stale proposal list never removes a fact the DM stated.
 */
export async function deleteRelationship(ctx: OperationContext, principal: Principal, tenantId: string, id: string, options: { proposalOnly: boolean }) {
  authorize(principal, 'knowledge.manage', tenantId, relationshipMissing(id));
  const db = ctx.db();
  if (options.proposalOnly) {
    const found = await readRelationship(db, tenantId, id);
    if (!found) throw relationshipMissing(id)();
    if (found.dmConfirmed) throw new ApiError(409, 'already_confirmed', 'This relationship is confirmed: delete it instead of rejecting it');
  }
  const deleted = await removeRelationship(db, tenantId, id);
  if (!deleted) throw relationshipMissing(id)();
  await audit(ctx, principal, { tenantId, action: options.proposalOnly ? 'relationship.reject' : 'relationship.delete', target: id, before: viewRelationship(deleted) });
  // A rejected proposal was never told to any NPC.
  if (deleted.dmConfirmed) await relayToSessions(ctx, tenantId, deleted.campaignId, 'knowledge');
}
