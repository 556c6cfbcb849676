import type { UsageTotals } from '@glyphoxa/db';
import * as v from 'valibot';

const Hours = v.nullable(v.number());

/** A tenant's usage per UTC month or day against its quota, as operators and the tenant's members see it. */
export const UsageViewSchema = v.object({
  tenant_id: v.string(),
  /** What each period is: a month (`YYYY-MM`, only months with usage) or a day (`YYYY-MM-DD`, every day of the range). */
  granularity: v.picklist(['month', 'day']),
  quota: v.object({ monthly_session_hours: Hours, max_concurrent_sessions: v.nullable(v.number()) }),
  /** What the coordinator would not count (node numbers past the session's time) or Postgres could not store (set aside). */
  anomalies: v.object({ refused_usage_messages: v.number(), usage_set_aside: v.number() }),
  periods: v.array(
    v.object({
      period: v.string(),
      session_hours: v.number(),
      llm_tokens: v.number(),
      stt_seconds: v.number(),
      tts_chars: v.number(),
      /** NPC tool calls run (what they cost the model is in `llm_tokens`). */
      tool_calls: v.number(),
      /** The month's quota; null without one, and for a day (the quota is the month's: see `quota`). */
      quota_hours: Hours,
      remaining_hours: Hours,
    }),
  ),
});
export type UsageView = v.InferOutput<typeof UsageViewSchema>;

/** One period's row: a month's, or a day's. */
export interface UsagePeriod extends UsageTotals {
  period: string;
}

export function viewUsage(tenantId: string, granularity: UsageView['granularity'], quota: UsageView['quota'], anomalies: UsageView['anomalies'], rows: UsagePeriod[]): UsageView {
  const hours = granularity === 'month' ? quota.monthly_session_hours : null;
  return {
    tenant_id: tenantId,
    granularity,
    quota,
    anomalies,
    periods: rows.map((r) => ({
      period: r.period,
      session_hours: r.sessionHours,
      llm_tokens: r.llmTokens,
      stt_seconds: r.sttSeconds,
      tts_chars: r.ttsChars,
      tool_calls: r.toolCalls,
      quota_hours: hours,
      remaining_hours: hours === null ? null : Math.max(0, hours - r.sessionHours),
    })),
  };
}

const CSV_COLUMNS = ['period', 'session_hours', 'llm_tokens', 'stt_seconds', 'tts_chars', 'tool_calls', 'quota_hours', 'remaining_hours'] as const;

/** The periods as CSV (RFC 4180 lines; every value is a number or a YYYY-MM period, or day, so none needs quoting). */
export function usageCsv(usage: UsageView): string {
  const lines = usage.periods.map((p) => CSV_COLUMNS.map((column) => p[column] ?? '').join(','));
  return [CSV_COLUMNS.join(','), ...lines].map((line) => `${line}\r\n`).join('');
}
