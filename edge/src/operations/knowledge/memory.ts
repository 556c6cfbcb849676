import { EmbeddingLengthError, listTenantProviders, nearestChunks, rememberLoreDocument } from '@glyphoxa/db';
import { tenantEmbedder } from '../../campaign/tenant-embedder.ts';
import { ApiError } from '../../errors.ts';
import type { Principal } from '../../principal.ts';
import type { OperationContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { campaignMissing, requireCampaign } from './campaign-check.ts';

const embedderOf = async (ctx: OperationContext, tenantId: string) => tenantEmbedder(ctx.env.SECRET_KEYS, await listTenantProviders(ctx.db(), tenantId));

/** The campaign's lore and transcript passages nearest in meaning to `query`, through the tenant's embeddings provider. */
export async function searchMemory(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string, query: string, limit: number) {
  authorize(principal, 'transcripts.view', tenantId, campaignMissing(campaignId));
  await requireCampaign(ctx, tenantId, campaignId);
  const embedder = await embedderOf(ctx, tenantId);
  if (!embedder) throw new ApiError(409, 'no_embeddings_provider', 'This team has no embeddings provider: set one (PUT .../providers/embeddings) to search memory');
  const vector = await embedder.embed([query]).then(
    ([v]) => v!,
    (error: unknown) => {
      throw new ApiError(502, 'embeddings_failed', `The embeddings provider failed: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  const hits = await nearestChunks(ctx.db(), tenantId, campaignId, { vector, model: embedder.model }, limit).catch((error: unknown) => {
    if (error instanceof EmbeddingLengthError) throw new ApiError(502, 'embeddings_failed', `The embeddings provider failed: ${error.message}`);
    throw error;
  });
  return hits.map((h) => ({ id: h.id, source: h.source, session_id: h.sessionId, lore_document_id: h.loreDocumentId, position: h.position, content: h.content, distance: h.distance }));
}

/**
 * A lore document's passages embedded anew after the DM wrote it, when the tenant has an
 * embeddings provider; run after the answer, a failure only leaves memory a version behind.
 */
export function rememberLore(ctx: OperationContext, tenantId: string, documentId: string): void {
  ctx.waitUntil(
    (async () => {
      const embedder = await embedderOf(ctx, tenantId);
      if (embedder) await rememberLoreDocument(ctx.db(), tenantId, documentId, embedder);
    })().catch((error: unknown) => ctx.log.warn('lore not remembered', { tenant_id: tenantId, lore_document_id: documentId, error: String(error) })),
  );
}
