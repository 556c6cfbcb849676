import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, pgEnum, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.ts';
import { entities } from './entities.ts';
import { sessions } from './sessions.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';

/** Where a relationship came from: the DM, a session's transcript, or an imported archive. */
export const relationshipSource = pgEnum('relationship_source', ['dm', 'transcript', 'import']);
export type RelationshipSource = (typeof relationshipSource.enumValues)[number];

export const MAX_RELATIONSHIP_TYPE_LENGTH = 100;

/**
 * An edge of a campaign's knowledge graph, `source -type-> target`. Both ends
 * are entities of the relationship's own campaign (the foreign keys carry the
 * campaign, the campaign's the tenant). Unconfirmed ones are proposals.
 */
export const relationships = pgTable(
  'relationships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id').notNull(),
    campaignId: uuid('campaign_id').notNull(),
    sourceId: uuid('source_id').notNull(),
    targetId: uuid('target_id').notNull(),
    /** Say `ally_of`, `lives_in`. */
    type: text('type').notNull(),
    /** Reads both ways (`ally_of`), not only source to target (`owns`). */
    bidirectional: boolean('bidirectional').notNull().default(false),
    /** The session whose transcript suggested it. */
    sessionId: uuid('session_id'),
    confidence: real('confidence').notNull().default(1),
    source: relationshipSource('source').notNull().default('dm'),
    /** Only confirmed facts reach NPCs by default. */
    dmConfirmed: boolean('dm_confirmed').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'relationships_campaign_fk', columns: [t.campaignId, t.tenantId], foreignColumns: [campaigns.id, campaigns.tenantId] }).onDelete('cascade'),
    foreignKey({ name: 'relationships_source_fk', columns: [t.sourceId, t.campaignId], foreignColumns: [entities.id, entities.campaignId] }).onDelete('cascade'),
    foreignKey({ name: 'relationships_target_fk', columns: [t.targetId, t.campaignId], foreignColumns: [entities.id, entities.campaignId] }).onDelete('cascade'),
    // Sessions go only with their tenant: then their proposals go too, whatever order the cascades run in.
    foreignKey({ name: 'relationships_session_fk', columns: [t.sessionId, t.tenantId], foreignColumns: [sessions.id, sessions.tenantId] }).onDelete('cascade'),
    uniqueIndex('relationships_edge').on(t.sourceId, t.targetId, t.type),
    index('relationships_target').on(t.targetId),
    check('relationships_not_self', sql`${t.sourceId} <> ${t.targetId}`),
    check('relationships_type_length', sql`char_length(${t.type}) between 1 and ${sql.raw(String(MAX_RELATIONSHIP_TYPE_LENGTH))}`),
    check('relationships_confidence', sql`${t.confidence} between 0 and 1`),
    ...tenantPolicies('relationships', 'tenant_id'),
  ],
);

export type Relationship = typeof relationships.$inferSelect;
export type NewRelationship = typeof relationships.$inferInsert;
