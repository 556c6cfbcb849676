import { sql } from 'drizzle-orm';
import { check, integer, pgEnum, pgTable, real, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';

export const TENANT_ID_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;
/** The voice-node pool of tenants without their own (a dedicated tenant's pool is its id). */
export const SHARED_POOL = 'shared';
/** Ids a tenant cannot take: `shared` names the shared voice-node pool. */
export const RESERVED_TENANT_IDS = [SHARED_POOL] as const;

export const licenseTier = pgEnum('license_tier', ['shared', 'dedicated']);
export const tier = pgEnum('tier', ['apprentice', 'adventurer', 'dungeon_master', 'guild']);

export const tenants = pgTable(
  'tenants',
  {
    id: text('id').primaryKey(),
    licenseTier: licenseTier('license_tier').notNull().default('shared'),
    tier: tier('tier').notNull().default('apprentice'),
    /** Discord bot token, encrypted by the edge's secrets module; never plaintext. */
    botTokenEnc: text('bot_token_enc'),
    discordApplicationId: text('discord_application_id'),
    discordPublicKey: text('discord_public_key'),
    guildIds: text('guild_ids').array().notNull().default(sql`'{}'::text[]`),
    dmRoleId: text('dm_role_id'),
    /** The current campaign: sessions started from Discord play it. */
    campaignId: uuid('campaign_id').references((): AnyPgColumn => campaigns.id, { onDelete: 'set null' }),
    /** Null means "the tier's number". */
    monthlySessionHours: real('monthly_session_hours'),
    maxConcurrentSessions: integer('max_concurrent_sessions'),
    /** Last time every guild took the slash-command set; null: never, or no application/bot. */
    commandsRegisteredAt: timestamp('commands_registered_at', { withTimezone: true }),
    /** What Discord refused on the last registration attempt, per guild; null when it all went through. */
    commandsRegistrationError: text('commands_registration_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('tenants_id_format', sql`${t.id} ~ '^[a-z][a-z0-9-]{1,62}$'`),
    check('tenants_id_not_reserved', sql`${t.id} <> 'shared'`),
    check('tenants_hours_nonnegative', sql`${t.monthlySessionHours} >= 0`),
    check('tenants_concurrency_positive', sql`${t.maxConcurrentSessions} >= 1`),
    // One Discord application answers to one tenant: its key verifies that tenant's interactions only.
    uniqueIndex('tenants_discord_application_id_unique').on(t.discordApplicationId),
    uniqueIndex('tenants_discord_public_key_unique').on(t.discordPublicKey),
    ...tenantPolicies('tenants', 'id'),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;
export type Tier = (typeof tier.enumValues)[number];
export type LicenseTier = (typeof licenseTier.enumValues)[number];
