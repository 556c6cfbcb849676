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

/**
 * A confirmed relationship between two of the session's facts, by their names (unique in a
 * campaign): an NPC that may know both ends is told it with them.
 */
export const CampaignRelationshipSchema = v.object({
  source: IdSchema,
  type: IdSchema,
  target: IdSchema,
  bidirectional: v.boolean(),
});
export type CampaignRelationship = v.InferOutput<typeof CampaignRelationshipSchema>;

/** A session's facts: the campaign's entities and the confirmed relationships among them. */
export const CampaignFactsEntries = {
  entities: v.pipe(v.array(CampaignEntitySchema), v.maxLength(MAX_LIST_LENGTH)),
  /** Optional (none), so either side may be the older one during a rollout. */
  relationships: v.optional(v.pipe(v.array(CampaignRelationshipSchema), v.maxLength(MAX_LIST_LENGTH))),
};
