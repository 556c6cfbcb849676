import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { createDb, insertSession, periodOf } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { flushWriterOf } from '../src/durable/stubs.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';

async function tokensOf(tenant: string): Promise<number | undefined> {
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  const rows = (await db.execute(sql`select llm_tokens::int as tokens from usage_records where tenant_id = ${tenant}`)) as unknown as Array<{ tokens: number }>;
  return rows[0]?.tokens;
}

/** A tenant with one session row, whose flush the test writes as its coordinator would. */
async function tenantWithSession(prefix: string) {
  const tenant = uniqueTenantId(prefix);
  await admin('POST', '/tenants', { id: tenant, monthly_session_hours: 5 });
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  const sessionId = crypto.randomUUID();
  await insertSession(db, tenant, { id: sessionId, tenantId: tenant, guildId: snowflake(), channelId: snowflake(), startedBy: snowflake(), startedAt: new Date() });
  return { tenant, sessionId };
}

describe("the coordinators' flush writer", () => {
  it("fails only the flush of a tenant whose rows hold a value Postgres cannot, writing the others that came with it", async () => {
    const period = periodOf(Date.now());
    const [good, bad, other] = await Promise.all([tenantWithSession('fw-good'), tenantWithSession('fw-bad'), tenantWithSession('fw-other')]);
    const flush = ({ tenant, sessionId }: { tenant: string; sessionId: string }, llmTokens: number) => ({
      tenantId: tenant,
      totals: [{ sessionId, period, sessionHours: 0.01, llmTokens, sttSeconds: 0, ttsChars: 0, toolCalls: 0 }],
      heartbeats: [{ sessionId, at: new Date() }],
      period,
    });
    const outcomes = await runInDurableObject(flushWriterOf(env), (writer) =>
      Promise.all([writer.flush(flush(good, 42)), writer.flush(flush(bad, 1e19)), writer.flush(flush(other, 7))]),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, unavailable: false });
    // Each tenant read back with its month's hours, as its coordinator keeps them.
    expect(outcomes[0]).toMatchObject({ ok: true, found: { tenant: { id: good.tenant }, sessionHours: 0.01 } });
    expect(await tokensOf(good.tenant)).toBe(42);
    expect(await tokensOf(other.tenant)).toBe(7);
    expect(await tokensOf(bad.tenant)).toBeUndefined();
  });
});
