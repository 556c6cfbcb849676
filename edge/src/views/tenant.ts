import { effectiveLimits, licenseTier, tier, type Tenant } from '@glyphoxa/db';
import * as v from 'valibot';

const Text = v.nullable(v.string());
const Count = v.nullable(v.number());

/** A tenant on the wire (the schema the OpenAPI document shows): never the bot token, only whether there is one. */
export const TenantViewSchema = v.object({
  id: v.string(),
  license_tier: v.picklist(licenseTier.enumValues),
  tier: v.picklist(tier.enumValues),
  has_bot_token: v.boolean(),
  discord_application_id: Text,
  discord_public_key: Text,
  guild_ids: v.array(v.string()),
  dm_role_id: Text,
  campaign_id: Text,
  monthly_session_hours: Count,
  max_concurrent_sessions: Count,
  limits: v.object({ monthly_session_hours: Count, max_concurrent_sessions: v.number() }),
  command_registration: v.object({ registered_at: Text, error: Text }),
  created_at: v.string(),
  updated_at: v.string(),
});
export type TenantView = v.InferOutput<typeof TenantViewSchema>;

export function viewTenant(t: Tenant): TenantView {
  const limits = effectiveLimits(t);
  return {
    id: t.id,
    license_tier: t.licenseTier,
    tier: t.tier,
    has_bot_token: t.botTokenEnc !== null,
    discord_application_id: t.discordApplicationId,
    discord_public_key: t.discordPublicKey,
    guild_ids: t.guildIds,
    dm_role_id: t.dmRoleId,
    campaign_id: t.campaignId,
    monthly_session_hours: t.monthlySessionHours,
    max_concurrent_sessions: t.maxConcurrentSessions,
    limits: {
      monthly_session_hours: limits.monthlySessionHours,
      max_concurrent_sessions: limits.maxConcurrentSessions,
    },
    command_registration: {
      registered_at: t.commandsRegisteredAt?.toISOString() ?? null,
      error: t.commandsRegistrationError,
    },
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
