import { isSecretTag, mayKnow, mayKnowRelationship } from '@glyphoxa/protocol';
import type { Npc } from '../campaigns/campaign-queries.ts';
import type { Entity, Relationship } from './knowledge-queries.ts';

/**
 * What one NPC may be told of the campaign, by the rules the voice node builds its
 * context with (`mayKnow` of @glyphoxa/protocol): the entities its knowledge scope
 * allows, the confirmed relationships between two of them, and which of what it knows
 * is secret. Proposals are not facts yet: no NPC hears of them.
 */
export interface NpcLens {
  known: Set<string>;
  secret: Set<string>;
  relationships: Set<string>;
}

export function npcLens(npc: Pick<Npc, 'gm_helper' | 'knowledge_scope'>, entities: readonly Entity[], relationships: readonly Relationship[]): NpcLens {
  const byId = new Map(entities.map((e) => [e.id, e]));
  const known = new Set(entities.filter((e) => mayKnow(npc, e)).map((e) => e.id));
  const secret = new Set(entities.filter((e) => known.has(e.id) && e.tags.some(isSecretTag)).map((e) => e.id));
  const told = relationships.filter((r) => {
    const source = byId.get(r.source_id);
    const target = byId.get(r.target_id);
    return r.dm_confirmed && source !== undefined && target !== undefined && mayKnowRelationship(npc, source, target);
  });
  return { known, secret, relationships: new Set(told.map((r) => r.id)) };
}
