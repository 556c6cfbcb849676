import type { Voice } from '@glyphoxa/protocol';
import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns, nameKey, nameLength } from './campaigns.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';

/** How long an NPC's tools may take: same values as the protocol's `budget_tier`. */
export const budgetTier = pgEnum('budget_tier', ['fast', 'standard', 'deep']);

/**
 * A campaign's NPC, loaded fresh into every session of the campaign. The
 * foreign key carries the tenant, so an NPC can only belong to its own
 * tenant's campaign.
 */
export const npcs = pgTable(
  'npcs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    name: text('name').notNull(),
    nameKey: nameKey(),
    /** Other names players call it by (address detection). */
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    personality: text('personality').notNull().default(''),
    voice: jsonb('voice').$type<Voice>().notNull(),
    /** The voice engine, say `cascaded`; null: the node's default. */
    engine: text('engine'),
    budgetTier: budgetTier('budget_tier').notNull().default('fast'),
    /** Topics the NPC knows about; it is not omniscient. */
    knowledgeScope: text('knowledge_scope').array().notNull().default(sql`'{}'::text[]`),
    /** What only the NPC knows, revealed at its discretion. */
    secretKnowledge: text('secret_knowledge'),
    behaviorRules: text('behavior_rules').array().notNull().default(sql`'{}'::text[]`),
    /** The tools (`/mcp`) it may call while it talks (protocol's `NpcToolSchema`); none by default. */
    tools: text('tools').array().$type<string[]>().notNull().default(sql`'{}'::text[]`),
    /** The DM's assistant (it speaks recaps), not a character in the world. */
    gmHelper: boolean('gm_helper').notNull().default(false),
    mutedByDefault: boolean('muted_by_default').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'npcs_campaign_fk', columns: [t.campaignId, t.tenantId], foreignColumns: [campaigns.id, campaigns.tenantId] }).onDelete('cascade'),
    uniqueIndex('npcs_campaign_name').on(t.campaignId, t.nameKey),
    nameLength('npcs', t.name),
    check('npcs_voice_pitch', sql`(${t.voice}->>'pitch')::float8 between -10 and 10`),
    check('npcs_voice_speed', sql`(${t.voice}->>'speed')::float8 between 0.5 and 2`),
    ...tenantPolicies('npcs', 'tenant_id'),
  ],
);

export type Npc = typeof npcs.$inferSelect;
export type NewNpc = typeof npcs.$inferInsert;
