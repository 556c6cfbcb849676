import type { CampaignEntity } from './campaign.ts';
import type { NpcDefinition } from './npc.ts';
import { foldPhrase } from './words.ts';

/**
 * Whether a campaign fact is this NPC's to know: a GM helper knows
 * everything; an NPC with a knowledge scope knows the facts whose name, type
 * or a tag the scope lists (secret ones included: its scope says it knows);
 * one without knows what is not secret. The voice node builds an NPC's context
 * with it and the edge's `campaign_knowledge` tool answers with it.
 */
export function mayKnow(npc: Pick<NpcDefinition, 'gm_helper' | 'knowledge_scope'>, entity: Pick<CampaignEntity, 'name' | 'type' | 'tags'>): boolean {
  if (npc.gm_helper) return true;
  const scope = npc.knowledge_scope;
  if (scope.length === 0) return !entity.tags.some(isSecretTag);
  const topics = new Set(scope.map(topicKey));
  return topics.has(topicKey(entity.name)) || topics.has(entity.type) || entity.tags.some((tag) => !isSecretTag(tag) && topics.has(topicKey(tag)));
}

/**
 * Whether a relationship between two campaign facts is this NPC's to know: only
 * when it may know both ends, as knowing one end does not tell it who the other is.
 * The edge sends NPCs confirmed relationships only, and the dashboard's lens shows this.
 */
export function mayKnowRelationship(npc: Pick<NpcDefinition, 'gm_helper' | 'knowledge_scope'>, source: Pick<CampaignEntity, 'name' | 'type' | 'tags'>, target: Pick<CampaignEntity, 'name' | 'type' | 'tags'>): boolean {
  return mayKnow(npc, source) && mayKnow(npc, target);
}

/** Scope topics and facts compare as folded words: "Iron-Hold's" is "iron hold". */
const topicKey = (text: string) => foldPhrase(text).join(' ');

/** Entities tagged `secret` are facts an NPC must keep; the tag marks them, it is not a topic. */
export function isSecretTag(tag: string): boolean {
  return tag.toLowerCase() === 'secret';
}
