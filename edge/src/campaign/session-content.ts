import { campaignFacts, listNpcs, sessionSetup, type Db, type Entity, type NamedRelationship, type Npc, type SessionFacts } from '@glyphoxa/db';
import { MAX_ID_LENGTH, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, type CampaignEntity, type CampaignRelationship, type NpcDefinition, type ProviderSettings } from '@glyphoxa/protocol';
import { providerSettings } from '../secrets/provider-keys.ts';

/** Facts a session takes along: the node keeps them in memory and a start must stay under the protocol's 1 MiB. */
const FACT_LIMITS = { maxEntities: 500, maxRelationships: MAX_LIST_LENGTH };
const MAX_ENTITY_BYTES = 512 * 1024;

/** A session's campaign facts on the wire: entities, and the confirmed relationships among them. */
export interface FactsContent {
  entities: CampaignEntity[];
  relationships: CampaignRelationship[];
}

export interface SessionContent extends FactsContent {
  npcs: NpcDefinition[];
  providers: ProviderSettings;
}

/**
 * What a session starts with, from Postgres in one round of queries: the
 * campaign's NPCs and entities, and the tenant's providers with their keys
 * opened. `null`: the campaign is not a live campaign of this tenant.
 */
export async function loadSessionContent(db: Db, secretKeys: string, tenantId: string, campaignId: string | null): Promise<SessionContent | null> {
  const setup = await sessionSetup(db, tenantId, campaignId, FACT_LIMITS);
  if (!setup) return null;
  return {
    npcs: setup.npcs.map(npcDefinition),
    ...factsContent(setup),
    providers: await providerSettings(secretKeys, setup.providers),
  };
}

/** The campaign's facts as a running session gets them anew after the DM changed one; `null`: no live campaign of this tenant. */
export async function loadCampaignFacts(db: Db, tenantId: string, campaignId: string): Promise<FactsContent | null> {
  const facts = await campaignFacts(db, tenantId, campaignId, FACT_LIMITS);
  return facts && factsContent(facts);
}

/** Entities within the byte budget, and the relationships whose both ends are still among them. */
function factsContent(facts: SessionFacts): FactsContent {
  const entities = withinBudget(facts.entities.map(campaignEntity), MAX_ENTITY_BYTES);
  const names = new Set(entities.map((e) => e.name));
  return { entities, relationships: facts.relationships.filter((r) => names.has(r.source) && names.has(r.target)).map(campaignRelationship) };
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

function campaignRelationship(r: NamedRelationship): CampaignRelationship {
  return { source: r.source, type: r.type.slice(0, MAX_ID_LENGTH), target: r.target, bidirectional: r.bidirectional };
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
