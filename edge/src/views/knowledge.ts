import { entityType, loreKind, relationshipSource, type Entity, type GraphEntity, type LoreDocument, type Relationship, type SearchHit } from '@glyphoxa/db';
import * as v from 'valibot';

/** A campaign's knowledge on the wire: entities, relationships, lore and search hits (the schemas the OpenAPI document shows). */

export const EntityViewSchema = v.object({
  id: v.string(),
  campaign_id: v.string(),
  name: v.string(),
  type: v.picklist(entityType.enumValues),
  description: v.string(),
  tags: v.array(v.string()),
  properties: v.record(v.string(), v.unknown()),
  created_at: v.string(),
  updated_at: v.string(),
});
export type EntityView = v.InferOutput<typeof EntityViewSchema>;

export function viewEntity(e: Entity | GraphEntity): EntityView {
  return {
    id: e.id,
    campaign_id: e.campaignId,
    name: e.name,
    type: e.type,
    description: e.description,
    tags: e.tags,
    properties: e.properties,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export const RelationshipViewSchema = v.object({
  id: v.string(),
  campaign_id: v.string(),
  source_id: v.string(),
  target_id: v.string(),
  type: v.string(),
  bidirectional: v.boolean(),
  /** Where it came from: the DM, a session's transcript (a proposal until confirmed), an import. */
  source: v.picklist(relationshipSource.enumValues),
  session_id: v.nullable(v.string()),
  confidence: v.number(),
  dm_confirmed: v.boolean(),
  created_at: v.string(),
  updated_at: v.string(),
});
export type RelationshipView = v.InferOutput<typeof RelationshipViewSchema>;

export function viewRelationship(r: Relationship): RelationshipView {
  return {
    id: r.id,
    campaign_id: r.campaignId,
    source_id: r.sourceId,
    target_id: r.targetId,
    type: r.type,
    bidirectional: r.bidirectional,
    source: r.source,
    session_id: r.sessionId,
    confidence: r.confidence,
    dm_confirmed: r.dmConfirmed,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export const LoreDocumentViewSchema = v.object({
  id: v.string(),
  campaign_id: v.string(),
  title: v.string(),
  kind: v.picklist(loreKind.enumValues),
  body: v.string(),
  created_at: v.string(),
  updated_at: v.string(),
});
export type LoreDocumentView = v.InferOutput<typeof LoreDocumentViewSchema>;

export function viewLoreDocument(d: LoreDocument): LoreDocumentView {
  return {
    id: d.id,
    campaign_id: d.campaignId,
    title: d.title,
    kind: d.kind,
    body: d.body,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export const SearchHitViewSchema = v.object({
  kind: v.picklist(['entity', 'lore', 'transcript']),
  id: v.string(),
  title: v.string(),
  snippet: v.string(),
  session_id: v.nullable(v.string()),
  rank: v.number(),
});

export function viewSearchHit(h: SearchHit): v.InferOutput<typeof SearchHitViewSchema> {
  return { kind: h.kind, id: h.id, title: h.title, snippet: h.snippet, session_id: h.sessionId, rank: h.rank };
}
