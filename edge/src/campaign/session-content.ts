import { listNpcs, sessionSetup, type Db, type Entity, type Npc } from '@glyphoxa/db';
import { MAX_ID_LENGTH, MAX_TEXT_LENGTH, type CampaignEntity, type NpcDefinition, type ProviderSettings } from '@glyphoxa/protocol';
import { providerSettings } from '../secrets/provider-keys.ts';

/** Entities a session takes along: the node keeps them in memory and a start must stay under the protocol's 1 MiB. */
const MAX_SESSION_ENTITIES = 500;
const MAX_ENTITY_BYTES = 512 * 1024;

export interface SessionContent {
  npcs: NpcDefinition[];
  entities: CampaignEntity[];
  providers: ProviderSettings;
}

/**
 * What a session starts with, from Postgres in one round of queries: the
 * campaign's NPCs and entities, and the tenant's providers with their keys
 * opened. `null`: the campaign is not a live campaign of this tenant.
 */
export async function loadSessionContent(db: Db, secretKeys: string, tenantId: string, campaignId: string | null): Promise<SessionContent | null> {
  const setup = await sessionSetup(db, tenantId, campaignId, { maxEntities: MAX_SESSION_ENTITIES });
  if (!setup) return null;
  return {
    npcs: setup.npcs.map(npcDefinition),
    entities: withinBudget(setup.entities.map(campaignEntity), MAX_ENTITY_BYTES),
    providers: await providerSettings(secretKeys, setup.providers),
  };
}

/** The campaign's NPCs as a running session gets them anew after the DM changed one; `null`: no live campaign of this tenant. */
export async function loadNpcDefinitions(db: Db, tenantId: string, campaignId: string): Promise<NpcDefinition[] | null> {
  return (await listNpcs(db, tenantId, campaignId))?.map(npcDefinition) ?? null;
}

function npcDefinition(npc: Npc): NpcDefinition {
  return {
    id: npc.id,
    name: npc.name,
    aliases: npc.aliases,
    personality: npc.personality.slice(0, MAX_TEXT_LENGTH),
    voice: npc.voice,
    ...(npc.engine ? { engine: npc.engine } : {}),
    budget_tier: npc.budgetTier,
    gm_helper: npc.gmHelper,
    muted: npc.mutedByDefault,
    knowledge_scope: npc.knowledgeScope.filter((topic) => topic.trim() !== '').map((topic) => topic.slice(0, MAX_ID_LENGTH)),
    ...(npc.secretKnowledge ? { secret_knowledge: npc.secretKnowledge.slice(0, MAX_TEXT_LENGTH) } : {}),
    behavior_rules: npc.behaviorRules.map((rule) => rule.slice(0, MAX_TEXT_LENGTH)),
    tools: npc.tools,
  };
}

function campaignEntity(entity: Entity): CampaignEntity {
  return { name: entity.name, type: entity.type, description: entity.description.slice(0, MAX_TEXT_LENGTH), tags: entity.tags };
}

/** The leading entities whose JSON fits in `maxBytes` together. */
function withinBudget(entities: CampaignEntity[], maxBytes: number): CampaignEntity[] {
  const encoder = new TextEncoder();
  let used = 0;
  const kept: CampaignEntity[] = [];
  for (const entity of entities) {
    used += encoder.encode(JSON.stringify(entity)).byteLength;
    if (used > maxBytes) break;
    kept.push(entity);
  }
  return kept;
}
