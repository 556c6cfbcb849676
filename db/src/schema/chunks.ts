import { sql } from 'drizzle-orm';
import { bigserial, check, foreignKey, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.ts';
import { loreDocuments } from './lore-documents.ts';
import { embedding } from './search-columns.ts';
import { sessions } from './sessions.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';

export const chunkSource = pgEnum('chunk_source', ['transcript', 'lore']);
export type ChunkSource = (typeof chunkSource.enumValues)[number];

/**
 * A passage of a session's transcript or of a lore document with its
 * embedding: the campaign's semantic memory, searched by similarity. It goes
 * with what it came from.
 */
export const chunks = pgTable(
  'chunks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    source: chunkSource('source').notNull(),
    sessionId: uuid('session_id'),
    loreDocumentId: uuid('lore_document_id'),
    /** Order of the passage within what it came from. */
    position: integer('position').notNull(),
    content: text('content').notNull(),
    embedding: embedding('embedding').notNull(),
    /** The model that embedded it: vectors of different models do not compare. */
    model: text('model').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'chunks_campaign_fk', columns: [t.campaignId, t.tenantId], foreignColumns: [campaigns.id, campaigns.tenantId] }).onDelete('cascade'),
    foreignKey({ name: 'chunks_session_fk', columns: [t.sessionId, t.tenantId], foreignColumns: [sessions.id, sessions.tenantId] }).onDelete('cascade'),
    foreignKey({ name: 'chunks_lore_document_fk', columns: [t.loreDocumentId, t.campaignId], foreignColumns: [loreDocuments.id, loreDocuments.campaignId] }).onDelete('cascade'),
    index('chunks_campaign').on(t.campaignId, t.source),
    check(
      'chunks_origin',
      sql`(${t.source} = 'transcript' and ${t.sessionId} is not null and ${t.loreDocumentId} is null) or (${t.source} = 'lore' and ${t.loreDocumentId} is not null and ${t.sessionId} is null)`,
    ),
    ...tenantPolicies('chunks', 'tenant_id'),
  ],
);

export type Chunk = typeof chunks.$inferSelect;
export type NewChunk = typeof chunks.$inferInsert;
