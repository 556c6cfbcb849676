import { NPC_TOOL_NAMES, NpcDefinitionSchema, type NpcToolName } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { CAMPAIGN_ENTRIES, NPC_ENTRIES } from '../../../edge/src/campaign/yaml-format.ts';

/**
 * The bodies of the edge's campaign and NPC routes, from the entries its CampaignBodySchema
 * and NpcBodySchema are built of (edge/src/routes/api/campaign-schemas.ts): the forms check
 * with the schema the API validates with, unknown fields refused alike.
 */
export const CampaignBody = v.strictObject(CAMPAIGN_ENTRIES);
export const NpcBody = v.strictObject(NPC_ENTRIES);
export type CampaignBodyInput = v.InferInput<typeof CampaignBody>;
export type NpcBodyInput = v.InferInput<typeof NpcBody>;

const TOOL_LABELS: Record<NpcToolName, string> = {
  roll_dice: 'Roll dice',
  lookup_rule: 'Look up rules and lore',
  campaign_knowledge: 'Campaign knowledge',
  recent_transcript: 'Recall what was said',
  remember: 'Propose facts for you to confirm',
};

/** The NPC budget tiers the API takes, in its order. */
export const BUDGET_TIERS = NpcDefinitionSchema.entries.budget_tier.options;

/** The tools an NPC may be allowed, in the API's order, as the editor names them (docs/MCP.md). */
export const NPC_TOOLS: ReadonlyArray<{ name: NpcToolName; label: string }> = NPC_TOOL_NAMES.map((name) => ({ name, label: TOOL_LABELS[name] }));
