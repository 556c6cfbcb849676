import type { Campaign, Npc } from '@glyphoxa/db';
import { NpcDefinitionSchema, VoiceSchema } from '@glyphoxa/protocol';
import * as v from 'valibot';

/** A campaign on the wire (the schema the OpenAPI document shows; the view below fills it). */
export const CampaignViewSchema = v.object({
  id: v.string(),
  tenant_id: v.string(),
  name: v.string(),
  system: v.nullable(v.string()),
  language: v.nullable(v.string()),
  description: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});
export type CampaignView = v.InferOutput<typeof CampaignViewSchema>;

export function viewCampaign(c: Campaign): CampaignView {
  return {
    id: c.id,
    tenant_id: c.tenantId,
    name: c.name,
    system: c.gameSystem,
    language: c.language,
    description: c.description,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

/** An NPC on the wire, every field it holds (the DM wrote its secret knowledge; members may read it). */
export const NpcViewSchema = v.object({
  id: v.string(),
  campaign_id: v.string(),
  name: v.string(),
  aliases: v.array(v.string()),
  personality: v.string(),
  voice: VoiceSchema,
  engine: v.nullable(v.string()),
  budget_tier: NpcDefinitionSchema.entries.budget_tier,
  knowledge_scope: v.array(v.string()),
  secret_knowledge: v.nullable(v.string()),
  behavior_rules: v.array(v.string()),
  gm_helper: v.boolean(),
  muted_by_default: v.boolean(),
  tools: NpcDefinitionSchema.entries.tools.wrapped,
  created_at: v.string(),
  updated_at: v.string(),
});
export type NpcView = v.InferOutput<typeof NpcViewSchema>;

export function viewNpc(n: Npc): NpcView {
  return {
    id: n.id,
    campaign_id: n.campaignId,
    name: n.name,
    aliases: n.aliases,
    personality: n.personality,
    voice: { provider: n.voice.provider, voice_id: n.voice.voice_id, pitch: n.voice.pitch, speed: n.voice.speed },
    engine: n.engine,
    budget_tier: n.budgetTier,
    knowledge_scope: n.knowledgeScope,
    secret_knowledge: n.secretKnowledge,
    behavior_rules: n.behaviorRules,
    gm_helper: n.gmHelper,
    muted_by_default: n.mutedByDefault,
    tools: n.tools,
    created_at: n.createdAt.toISOString(),
    updated_at: n.updatedAt.toISOString(),
  };
}
