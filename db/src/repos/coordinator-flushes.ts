import { sql } from 'drizzle-orm';
import { asOperator } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { sessions, sessionUsage, usageDays, usageRecords } from '../schema/index.ts';
import { dayIn } from '../usage-period.ts';
import { readTenantsWithHours, type SessionUsageTotals, type TenantWithHours } from './usage.ts';

/** One tenant coordinator's periodic write-through: what `flushCoordinator` writes for one tenant. */
export interface CoordinatorFlush {
  tenantId: string;
  totals: SessionUsageTotals[];
  heartbeats: Array<{ sessionId: string; at: Date }>;
  /** The month whose hours are read back. */
  period: string;
}

/**
 * Many coordinators' periodic write-throughs in one transaction of three statements, however
 * many tenants: every session's absolute usage totals with each tenant's monthly roll-up moved
 * by the difference (as `recordSessionUsage`: writing the same totals twice moves nothing), the
 * sessions' last heartbeats, and each tenant with the month's hours read back (null: gone), in
 * the order given; the days of `usage_days` move with the months. The rows travel as one JSON parameter each. It runs as the operator, so
 * every row is joined to its tenant's own session: a flush writes nothing of another tenant.
 */
export function flushCoordinators(db: Db, flushes: CoordinatorFlush[]): Promise<Array<TenantWithHours | null>> {
  return asOperator(db, async (tx) => {
    const now = new Date();
    const totals = flushes.flatMap((f) =>
      f.totals.map((t) => ({ session_id: t.sessionId, tenant_id: f.tenantId, period: t.period, day: dayIn(t.period, now), session_hours: t.sessionHours, llm_tokens: t.llmTokens, stt_seconds: t.sttSeconds, tts_chars: t.ttsChars, tool_calls: t.toolCalls })),
    );
    if (totals.length > 0) {
      const rows = JSON.stringify(totals);
      // Locked first, so the next statement (its own snapshot) reads the rows as they are now and no
      // concurrent write of them moves them meanwhile; in one statement, a row locked and then updated by it
      // would read as missing.
      await tx.execute(sql`
        select 1 from ${sessionUsage} u join ${inputRows(rows)} on u.session_id = i.session_id and u.period = i.period
        for update of u`);
      await tx.execute(recordTotalsStatement(rows));
    }
    const heartbeats = flushes.flatMap((f) => f.heartbeats.map((h) => ({ session_id: h.sessionId, tenant_id: f.tenantId, at: h.at.toISOString() })));
    if (heartbeats.length > 0) {
      await tx.execute(sql`
        update ${sessions} set last_heartbeat_at = h.at
        from jsonb_to_recordset(${JSON.stringify(heartbeats)}::jsonb) as h(session_id uuid, tenant_id text, at timestamptz)
        where ${sessions.id} = h.session_id and ${sessions.tenantId} = h.tenant_id`);
    }
    const found = new Map<string, TenantWithHours>();
    for (const period of new Set(flushes.map((f) => f.period))) {
      const read = await readTenantsWithHours(tx, flushes.filter((f) => f.period === period).map((f) => f.tenantId), period);
      for (const t of read) found.set(`${t.tenant.id} ${period}`, t);
    }
    return flushes.map((f) => found.get(`${f.tenantId} ${f.period}`) ?? null);
  });
}

/** The totals' JSON as rows `i`. */
function inputRows(rows: string) {
  return sql`jsonb_to_recordset(${rows}::jsonb)
    as i(session_id uuid, tenant_id text, period text, day date, session_hours float8, llm_tokens bigint, stt_seconds float8, tts_chars bigint, tool_calls bigint)`;
}

/**
 * The totals as one statement: the rows as they were (locked by the statement before), the new
 * absolute values, and the monthly and daily roll-ups moved by the difference. Only rows of the tenant's own sessions.
 */
function recordTotalsStatement(rows: string) {
  return sql`
    with input as (
      select i.* from ${inputRows(rows)}
      join ${sessions} s on s.id = i.session_id and s.tenant_id = i.tenant_id
    ), before as (
      select u.session_id, u.period, u.session_hours, u.llm_tokens, u.stt_seconds, u.tts_chars, u.tool_calls
      from ${sessionUsage} u join input i on u.session_id = i.session_id and u.period = i.period
    ), written as (
      insert into ${sessionUsage} (session_id, tenant_id, period, session_hours, llm_tokens, stt_seconds, tts_chars, tool_calls)
      select session_id, tenant_id, period, session_hours, llm_tokens, stt_seconds, tts_chars, tool_calls from input
      on conflict (session_id, period) do update set session_hours = excluded.session_hours, llm_tokens = excluded.llm_tokens,
        stt_seconds = excluded.stt_seconds, tts_chars = excluded.tts_chars, tool_calls = excluded.tool_calls, updated_at = now()
      returning session_id, period
    ), deltas as (
      select i.tenant_id, i.period, i.day, sum(i.session_hours - coalesce(b.session_hours, 0)) as session_hours,
        sum(i.llm_tokens - coalesce(b.llm_tokens, 0)) as llm_tokens, sum(i.stt_seconds - coalesce(b.stt_seconds, 0)) as stt_seconds,
        sum(i.tts_chars - coalesce(b.tts_chars, 0)) as tts_chars, sum(i.tool_calls - coalesce(b.tool_calls, 0)) as tool_calls
      from input i
      join written w on w.session_id = i.session_id and w.period = i.period
      left join before b on b.session_id = i.session_id and b.period = i.period
      group by i.tenant_id, i.period, i.day
    ), months as (
      insert into ${usageRecords} (tenant_id, period, session_hours, llm_tokens, stt_seconds, tts_chars, tool_calls)
      select tenant_id, period, session_hours, llm_tokens, stt_seconds, tts_chars, tool_calls from deltas
      on conflict (tenant_id, period) do update set
        session_hours = ${usageRecords.sessionHours} + excluded.session_hours, llm_tokens = ${usageRecords.llmTokens} + excluded.llm_tokens,
        stt_seconds = ${usageRecords.sttSeconds} + excluded.stt_seconds, tts_chars = ${usageRecords.ttsChars} + excluded.tts_chars,
        tool_calls = ${usageRecords.toolCalls} + excluded.tool_calls, updated_at = now()
    )
    insert into ${usageDays} (tenant_id, day, session_hours, llm_tokens, stt_seconds, tts_chars, tool_calls)
    select tenant_id, day, session_hours, llm_tokens, stt_seconds, tts_chars, tool_calls from deltas
    on conflict (tenant_id, day) do update set
      session_hours = ${usageDays.sessionHours} + excluded.session_hours, llm_tokens = ${usageDays.llmTokens} + excluded.llm_tokens,
      stt_seconds = ${usageDays.sttSeconds} + excluded.stt_seconds, tts_chars = ${usageDays.ttsChars} + excluded.tts_chars,
      tool_calls = ${usageDays.toolCalls} + excluded.tool_calls, updated_at = now()`;
}
