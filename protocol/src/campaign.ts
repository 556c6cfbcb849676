import * as v from 'valibot';
import { IdSchema, TextSchema } from './fields.ts';
import { MAX_LIST_LENGTH } from './limits.ts';

/** Same values as the `entity_type` enum in db/. */
export const EntityTypeSchema = v.picklist(['npc', 'location', 'item', 'faction', 'quest', 'lore']);
export type EntityType = v.InferOutput<typeof EntityTypeSchema>;

/**
 * A campaign fact as a session receives it: the node puts the ones named in the
 * recent conversation into an NPC's context.
 */
export const CampaignEntitySchema = v.object({
  name: IdSchema,
  type: EntityTypeSchema,
  description: TextSchema,
  tags: v.pipe(v.array(IdSchema), v.maxLength(MAX_LIST_LENGTH)),
});
export type CampaignEntity = v.InferOutput<typeof CampaignEntitySchema>;
