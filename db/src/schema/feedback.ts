import { sql } from 'drizzle-orm';
import { check, index, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { sessions } from './sessions.ts';
import { tenants } from './tenants.ts';

/** Discord's longest paragraph input is 4000 characters; the form asks for less. */
const MAX_FEEDBACK_COMMENTS = 4000;

/**
 * A player's `/feedback` form: four 1–5 ratings and free text. The session is
 * the one running in their server when they sent it; it outlives the session row.
 */
export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    /** The Discord user who sent it. */
    userId: text('user_id').notNull(),
    latency: smallint('latency').notNull(),
    personality: smallint('personality').notNull(),
    memory: smallint('memory').notNull(),
    dmWorkflow: smallint('dm_workflow').notNull(),
    comments: text('comments'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('feedback_tenant_created_idx').on(t.tenantId, t.createdAt),
    check('feedback_latency_range', sql`${t.latency} between 1 and 5`),
    check('feedback_personality_range', sql`${t.personality} between 1 and 5`),
    check('feedback_memory_range', sql`${t.memory} between 1 and 5`),
    check('feedback_dm_workflow_range', sql`${t.dmWorkflow} between 1 and 5`),
    check('feedback_comments_length', sql`char_length(${t.comments}) <= ${sql.raw(String(MAX_FEEDBACK_COMMENTS))}`),
    ...tenantPolicies('feedback', 'tenant_id'),
  ],
);

export type Feedback = typeof feedback.$inferSelect;
export type NewFeedback = typeof feedback.$inferInsert;
