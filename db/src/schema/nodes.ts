import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';

/**
 * Voice nodes allowed to check in. `pool` is `shared` or the id of the tenant
 * whose dedicated (or self-hosted) pool it serves, so a tenant's scope sees
 * only its own nodes. Live state (connected, load) lives in the pool's Fleet
 * Durable Object; this is the registry and the last thing each node said.
 */
export const voiceNodes = pgTable(
  'voice_nodes',
  {
    id: text('id').primaryKey(),
    pool: text('pool').notNull(),
    /** SHA-256 of the token's secret part; the token itself is shown once. */
    tokenHash: text('token_hash').notNull(),
    draining: boolean('draining').notNull().default(false),
    version: text('version'),
    region: text('region'),
    capacity: integer('capacity'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  },
  (t) => [index('voice_nodes_pool_idx').on(t.pool), ...tenantPolicies('voice_nodes', 'pool')],
);

export type VoiceNode = typeof voiceNodes.$inferSelect;
