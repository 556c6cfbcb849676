import { sql } from 'drizzle-orm';
import { check, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { tenants } from './tenants.ts';
import { MAX_NAME_LENGTH } from '@glyphoxa/protocol';

// The protocol holds the cap, so the dashboard's forms read it without the schema; re-exported for the repos.
export { MAX_NAME_LENGTH } from '@glyphoxa/protocol';

/**
 * The lowercased name, kept as a column so that "unique, ignoring case" is a
 * plain unique index an upsert can name as its conflict target.
 */
export const nameKey = () => text('name_key').generatedAlwaysAs(sql`lower(name)`);

export const nameLength = (table: string, name: AnyPgColumn) =>
  check(`${table}_name_length`, sql`char_length(${name}) between 1 and ${sql.raw(String(MAX_NAME_LENGTH))}`);

/**
 * A tenant's campaign: the world its NPCs and entities belong to. Deleting is
 * soft (`deleted_at`), so history (sessions, recaps) keeps its campaign; a
 * deleted campaign's name is free again.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: nameKey(),
    /** The game system, say `dnd5e`. */
    gameSystem: text('game_system'),
    /** The table's language (BCP 47, say `en` or `de`): what NPCs speak and STT listens for. */
    language: text('language'),
    description: text('description'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('campaigns_tenant_name_live').on(t.tenantId, t.nameKey).where(sql`${t.deletedAt} is null`),
    // The target of the tenant-consistent foreign keys of NPCs and entities.
    unique('campaigns_id_tenant').on(t.id, t.tenantId),
    nameLength('campaigns', t.name),
    ...tenantPolicies('campaigns', 'tenant_id'),
  ],
);

export type Campaign = typeof campaigns.$inferSelect;
export type NewCampaign = typeof campaigns.$inferInsert;
