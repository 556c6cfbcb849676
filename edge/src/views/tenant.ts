import { effectiveLimits, type Tenant } from '@glyphoxa/db';

/** A tenant on the wire: never the bot token, only whether there is one. */
export function viewTenant(t: Tenant) {
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
