import { sql } from 'drizzle-orm';
import type { TranscriptTool } from '@glyphoxa/protocol';
import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { sessions } from './sessions.ts';
import { tsvector } from './search-columns.ts';

/**
 * A session's transcript, a line a row, as its voice node reported it. A line
 * is identified by (session, time, speaker), so a batch the node resends after
 * a reconnect adds nothing.
 */
export const sessionEntries = pgTable(
  'session_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: text('tenant_id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    campaignId: uuid('campaign_id').references(() => campaigns.id, { onDelete: 'set null' }),
    speakerId: text('speaker_id').notNull(),
    speakerName: text('speaker_name').notNull(),
    /** Spoken by an NPC rather than a player. */
    npc: boolean('npc').notNull().default(false),
    text: text('text').notNull(),
    /** A tool event (an NPC's tool call and its result), not speech: null for every spoken line. */
    tool: jsonb('tool').$type<TranscriptTool>(),
    spokenAt: timestamp('spoken_at', { withTimezone: true }).notNull(),
    // `simple`: tables play in many languages, so no language's stemming.
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('simple', speaker_name || ' ' || text)`),
  },
  (t) => [
    uniqueIndex('session_entries_line').on(t.sessionId, t.spokenAt, t.speakerId),
    index('session_entries_search').using('gin', t.search),
    ...tenantPolicies('session_entries', 'tenant_id'),
  ],
);

export type SessionEntry = typeof sessionEntries.$inferSelect;
export type NewSessionEntry = typeof sessionEntries.$inferInsert;
