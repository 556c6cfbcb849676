import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.ts';
import { tsvector } from './search-columns.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';

export const loreKind = pgEnum('lore_kind', ['lore', 'rules', 'handout']);
export type LoreKind = (typeof loreKind.enumValues)[number];

export const MAX_LORE_TITLE_LENGTH = 200;
/** A long handbook chapter fits; a pasted book does not. */
export const MAX_LORE_BODY_LENGTH = 200_000;

/** A campaign's written material in markdown: world lore, house rules, handouts. */
export const loreDocuments = pgTable(
  'lore_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    title: text('title').notNull(),
    titleKey: text('title_key').generatedAlwaysAs(sql`lower(title)`),
    kind: loreKind('kind').notNull().default('lore'),
    body: text('body').notNull().default(''),
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('simple', title || ' ' || body)`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'lore_documents_campaign_fk', columns: [t.campaignId, t.tenantId], foreignColumns: [campaigns.id, campaigns.tenantId] }).onDelete('cascade'),
    uniqueIndex('lore_documents_campaign_title').on(t.campaignId, t.titleKey),
    // The target of chunks' campaign-carrying foreign key.
    unique('lore_documents_id_campaign').on(t.id, t.campaignId),
    index('lore_documents_search').using('gin', t.search),
    check('lore_documents_title_length', sql`char_length(${t.title}) between 1 and ${sql.raw(String(MAX_LORE_TITLE_LENGTH))}`),
    check('lore_documents_body_length', sql`char_length(${t.body}) <= ${sql.raw(String(MAX_LORE_BODY_LENGTH))}`),
    ...tenantPolicies('lore_documents', 'tenant_id'),
  ],
);

export type LoreDocument = typeof loreDocuments.$inferSelect;
export type NewLoreDocument = typeof loreDocuments.$inferInsert;
