import {
  addLoreDocument,
  deleteLoreDocument as removeLoreDocument,
  getLoreDocument as readLoreDocument,
  listLoreDocuments as readLoreDocuments,
  updateLoreDocument as writeLoreDocument,
  type LoreFields,
  type LoreKind,
} from '@glyphoxa/db';
import { audit } from '../../audit.ts';
import { ApiError } from '../../errors.ts';
import type { Principal } from '../../principal.ts';
import { viewLoreDocument } from '../../views/knowledge.ts';
import type { OperationContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { campaignMissing, requireCampaign } from './campaign-check.ts';
import { rememberLore } from './memory.ts';

export const documentMissing = (id: string) => () => new ApiError(404, 'lore_document_not_found', `No lore document ${id}`);
const titleTaken = () => new ApiError(409, 'conflict', 'title: This campaign already has a document of this title', 'title');

export async function listLoreDocuments(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, filter: { kind?: LoreKind; offset: number; limit: number }) {
  authorize(principal, 'campaigns.view', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  return (await readLoreDocuments(ctx.db(), tenantId, campaignId, filter)).map(viewLoreDocument);
}

export async function getLoreDocument(ctx: OperationContext, principal: Principal, tenantId: string, id: string) {
  authorize(principal, 'campaigns.view', tenantId, documentMissing(id));
  const found = await readLoreDocument(ctx.db(), tenantId, id);
  if (!found) throw documentMissing(id)();
  return viewLoreDocument(found);
}

export async function createLoreDocument(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, fields: LoreFields) {
  authorize(principal, 'knowledge.manage', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  const created = await addLoreDocument(ctx.db(), tenantId, campaignId, fields);
  if (!created) throw titleTaken();
  const view = viewLoreDocument(created);
  await audit(ctx, principal, { tenantId, action: 'lore.create', target: created.id, detail: { campaign_id: campaignId, title: view.title, characters: view.body.length } });
  rememberLore(ctx, tenantId, created.id);
  return view;
}

export async function updateLoreDocument(ctx: OperationContext, principal: Principal, tenantId: string, id: string, fields: LoreFields) {
  authorize(principal, 'knowledge.manage', tenantId, documentMissing(id));
  const updated = await writeLoreDocument(ctx.db(), tenantId, id, fields);
  if (!updated) throw documentMissing(id)();
  const view = viewLoreDocument(updated);
  await audit(ctx, principal, { tenantId, action: 'lore.update', target: id, detail: { campaign_id: updated.campaignId, characters: view.body.length } });
  rememberLore(ctx, tenantId, id);
  return view;
}

export async function deleteLoreDocument(ctx: OperationContext, principal: Principal, tenantId: string, id: string) {
  authorize(principal, 'knowledge.manage', tenantId, documentMissing(id));
  const deleted = await removeLoreDocument(ctx.db(), tenantId, id);
  if (!deleted) throw documentMissing(id)();
  await audit(ctx, principal, { tenantId, action: 'lore.delete', target: id, detail: { campaign_id: deleted.campaignId, title: deleted.title } });
}
