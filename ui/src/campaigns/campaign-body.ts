import { NpcDefinitionSchema } from '@glyphoxa/protocol';
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

/** The NPC budget tiers the API takes, in its order. */
export const BUDGET_TIERS = NpcDefinitionSchema.entries.budget_tier.options;
