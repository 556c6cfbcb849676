import { pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { sessions } from './sessions.ts';

/** Who wrote a recap: the tenant's LLM, or the extractive summary when it has none. */
export const recapSource = pgEnum('recap_source', ['llm', 'extractive']);

/** A session's recap, written once (it costs an LLM call) and reused. */
export const recaps = pgTable(
  'recaps',
  {
    sessionId: uuid('session_id')
      .primaryKey()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    text: text('text').notNull(),
    source: recapSource('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [...tenantPolicies('recaps', 'tenant_id')],
);

export type Recap = typeof recaps.$inferSelect;
export type RecapSource = (typeof recapSource.enumValues)[number];
