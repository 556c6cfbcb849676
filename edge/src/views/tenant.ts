import { licenseTier, tier, type EffectiveLimits, type OverridableLimit, type Tenant } from '@glyphoxa/db';
import * as v from 'valibot';

const OVERRIDE_FIELDS = { monthlySessionHours: 'monthly_session_hours', maxConcurrentSessions: 'max_concurrent_sessions' } as const satisfies Record<OverridableLimit, string>;

/** What a tenant works under now; null: unlimited. `plan` is null when billing is disabled (self-hosted). */
export const LimitsViewSchema = v.object({
  plan: v.nullable(v.picklist(tier.enumValues)),
  monthly_sessions: v.nullable(v.number()),
  monthly_session_hours: v.nullable(v.number()),
  max_concurrent_sessions: v.nullable(v.number()),
  npcs: v.nullable(v.number()),
  seats: v.nullable(v.number()),
  /** The limits the operator set over the plan's. */
  overridden: v.array(v.picklist(Object.values(OVERRIDE_FIELDS))),
  /** A past-due subscription keeps its plan until then. */
  grace_ends_at: v.nullable(v.string()),
});

export function viewLimits(effective: EffectiveLimits): v.InferOutput<typeof LimitsViewSchema> {
  const { limits } = effective;
  return {
    plan: effective.plan,
    monthly_sessions: limits.monthlySessions,
    monthly_session_hours: limits.monthlySessionHours,
    max_concurrent_sessions: limits.maxConcurrentSessions,
    npcs: limits.npcs,
    seats: limits.seats,
    overridden: effective.overridden.map((field) => OVERRIDE_FIELDS[field]),
    grace_ends_at: effective.graceEndsAt?.toISOString() ?? null,
  };
}

/** A tenant on the wire: never the bot token, only whether there is one (the schema the OpenAPI document shows). */
export const TenantViewSchema = v.object({
  id: v.string(),
  license_tier: v.picklist(licenseTier.enumValues),
  tier: v.picklist(tier.enumValues),
  has_bot_token: v.boolean(),
  discord_application_id: v.nullable(v.string()),
  discord_public_key: v.nullable(v.string()),
  guild_ids: v.array(v.string()),
  dm_role_id: v.nullable(v.string()),
  campaign_id: v.nullable(v.string()),
  monthly_session_hours: v.nullable(v.number()),
  max_concurrent_sessions: v.nullable(v.number()),
  limits: LimitsViewSchema,
  command_registration: v.object({ registered_at: v.nullable(v.string()), error: v.nullable(v.string()) }),
  created_at: v.string(),
  updated_at: v.string(),
});
export type TenantView = v.InferOutput<typeof TenantViewSchema>;

export function viewTenant(t: Tenant, effective: EffectiveLimits): TenantView {
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
    limits: viewLimits(effective),
    command_registration: {
      registered_at: t.commandsRegisteredAt?.toISOString() ?? null,
      error: t.commandsRegistrationError,
    },
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
