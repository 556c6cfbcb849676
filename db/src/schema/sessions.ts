import { SESSION_END_REASONS } from '@glyphoxa/protocol';
import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.ts';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { tenants } from './tenants.ts';

export const sessionState = pgEnum('session_state', ['pending', 'active', 'ended']);
export const sessionEndReason = pgEnum('session_end_reason', SESSION_END_REASONS);

/** Written through by the tenant's coordinator; the web's history view reads it. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    campaignId: uuid('campaign_id').references((): AnyPgColumn => campaigns.id, { onDelete: 'set null' }),
    guildId: text('guild_id').notNull(),
    channelId: text('channel_id').notNull(),
    startedBy: text('started_by').notNull(),
    state: sessionState('state').notNull().default('pending'),
    nodeId: text('node_id'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: sessionEndReason('end_reason'),
    lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }),
  },
  (t) => [
    // The target of tenant-carrying foreign keys (chunks, relationship provenance).
    unique('sessions_id_tenant').on(t.id, t.tenantId),
    index('sessions_tenant_state_idx').on(t.tenantId, t.state),
    index('sessions_tenant_started_idx').on(t.tenantId, t.startedAt),
    // The coordinator enforces one live session per guild; this is the backstop.
    uniqueIndex('sessions_one_live_per_guild')
      .on(t.tenantId, t.guildId)
      .where(sql`${t.state} <> 'ended'`),
    ...tenantPolicies('sessions', 'tenant_id'),
  ],
);

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
export type SessionState = (typeof sessionState.enumValues)[number];
export type SessionEndReason = (typeof sessionEndReason.enumValues)[number];
