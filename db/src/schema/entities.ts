import { sql } from 'drizzle-orm';
import { foreignKey, index, jsonb, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns, nameKey, nameLength } from './campaigns.ts';
import { tsvector } from './search-columns.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';

/** Same values as the protocol's `EntityTypeSchema`. */
export const entityType = pgEnum('entity_type', ['npc', 'location', 'item', 'faction', 'quest', 'lore']);

/** A campaign fact: the people, places and things NPCs may talk about. */
export const entities = pgTable(
  'entities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    name: text('name').notNull(),
    nameKey: nameKey(),
    type: entityType('type').notNull(),
    description: text('description').notNull().default(''),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('simple', name || ' ' || description)`),
  },
  (t) => [
    foreignKey({ name: 'entities_campaign_fk', columns: [t.campaignId, t.tenantId], foreignColumns: [campaigns.id, campaigns.tenantId] }).onDelete('cascade'),
    uniqueIndex('entities_campaign_name').on(t.campaignId, t.nameKey),
    // The target of relationships' campaign-carrying foreign keys: both ends in one campaign.
    unique('entities_id_campaign').on(t.id, t.campaignId),
    index('entities_search').using('gin', t.search),
    index('entities_campaign_type_name').on(t.campaignId, t.type, t.nameKey),
    nameLength('entities', t.name),
    ...tenantPolicies('entities', 'tenant_id'),
  ],
);

export type Entity = typeof entities.$inferSelect;
export type NewEntity = typeof entities.$inferInsert;
export type EntityKind = (typeof entityType.enumValues)[number];
