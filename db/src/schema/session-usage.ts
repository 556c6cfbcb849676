import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { sessions } from './sessions.ts';
import { usageColumns } from './usage.ts';

/**
 * Each session's usage totals per UTC month, written as absolute values by the
 * tenant's coordinator. `usage_records` moves by the difference against what is
 * here, so a retried or repeated flush moves it by nothing: never doubled.
 */
export const sessionUsage = pgTable(
  'session_usage',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    period: text('period').notNull(),
    ...usageColumns(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.period] }), ...tenantPolicies('session_usage', 'tenant_id')],
);

export type SessionUsage = typeof sessionUsage.$inferSelect;
