import * as v from 'valibot';
import { StrictCampaignEntrySchema, StrictNpcEntrySchema } from '../../campaign/yaml-format.ts';
import { CampaignViewSchema, NpcViewSchema } from '../../views/campaign.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/**
 * The /api/v1 campaign and NPC bodies: the campaign YAML format's fields (one schema
 * for a file and a form), with unknown fields refused. PUT replaces the whole
 * resource, so its body is the one POST takes.
 */

const Uuid = (what: string) => v.pipe(v.string(), v.uuid(`must be ${what} id (a uuid)`));

export const CampaignParamsSchema = v.object({ id: TenantIdSchema, campaignId: Uuid('a campaign') });
export const NpcParamsSchema = v.object({ id: TenantIdSchema, npcId: Uuid('an NPC') });

export const CampaignBodySchema = StrictCampaignEntrySchema;
export const NpcBodySchema = StrictNpcEntrySchema;

export const CampaignListQuerySchema = v.strictObject({
  /** Names containing this, ignoring case. */
  q: v.optional(v.pipe(v.string(), v.maxLength(100))),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), '100'),
});

export const CampaignAnswer = v.object({ campaign: CampaignViewSchema });
export const CampaignsAnswer = v.object({ campaigns: v.array(CampaignViewSchema) });
export const NpcAnswer = v.object({ npc: NpcViewSchema });
export const NpcsAnswer = v.object({ npcs: v.array(NpcViewSchema) });
export const DeletedAnswer = v.object({ deleted: v.literal(true) });
