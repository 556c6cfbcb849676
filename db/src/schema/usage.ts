import { sql } from 'drizzle-orm';
import { bigint, check, date, doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { tenants } from './tenants.ts';

/** The metered quantities, as columns; fresh builders for each table that counts them. */
export const usageColumns = () => ({
  sessionHours: doublePrecision('session_hours').notNull().default(0),
  llmTokens: bigint('llm_tokens', { mode: 'number' }).notNull().default(0),
  sttSeconds: doublePrecision('stt_seconds').notNull().default(0),
  ttsChars: bigint('tts_chars', { mode: 'number' }).notNull().default(0),
  /** NPC tool calls run (docs/MCP.md); what the calls cost the model is in `llm_tokens`. */
  toolCalls: bigint('tool_calls', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One row per tenant and UTC month (`YYYY-MM`). */
export const usageRecords = pgTable(
  'usage_records',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    ...usageColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.period] }),
    check('usage_period_format', sql`${t.period} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    ...tenantPolicies('usage_records', 'tenant_id'),
  ],
);

export type UsageRecord = typeof usageRecords.$inferSelect;

/**
 * One row per tenant and UTC day: the same quantities as `usage_records`, moved by the same
 * differences, on the day they reached Postgres (within the month they count in). The
 * coordinator writes through every flush period (minutes) and when a session ends, so a day
 * holds what was spent in it, give or take the one flush that crosses midnight; the month's row stays the figure the quota is held to.
 */
export const usageDays = pgTable(
  'usage_days',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    ...usageColumns(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] }), ...tenantPolicies('usage_days', 'tenant_id')],
);

export type UsageDay = typeof usageDays.$inferSelect;
