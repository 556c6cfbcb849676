import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { flushCoordinators, type CoordinatorFlush } from '../src/repos/coordinator-flushes.ts';
import { insertSession } from '../src/repos/sessions.ts';
import { createTenant } from '../src/repos/tenants.ts';
import { backends, uniqueId } from './backends.ts';

describe.each(backends())("many coordinators' flushes in one transaction on $name", (backend) => {
  let app: ReturnType<typeof createDb>;
  const [a, b] = [uniqueId('flush-a'), uniqueId('flush-b')];
  const [sa, sb] = [crypto.randomUUID(), crypto.randomUUID()];
  const period = '2026-11';

  beforeAll(async () => {
    await backend.setup();
    app = createDb(backend.url(), { max: 2 });
    for (const [tenant, session] of [[a, sa], [b, sb]] as const) {
      await createTenant(app.db, { id: tenant, monthlySessionHours: 10 });
      await insertSession(app.db, tenant, { id: session, tenantId: tenant, guildId: '1', channelId: '2', startedBy: '3', startedAt: new Date() });
    }
  });
  afterAll(async () => {
    await app?.close();
    await backend.teardown();
  });

  const usage = async (tenant: string) =>
    (
      (await app.db.execute(
        sql`select session_hours::float8 as hours, llm_tokens::int as tokens, stt_seconds::float8 as stt, tts_chars::int as chars, tool_calls::int as tools from usage_records where tenant_id = ${tenant} and period = ${period}`,
      )) as unknown as Array<{ hours: number; tokens: number; stt: number; chars: number; tools: number }>
    )[0];
  const flush = (tenant: string, session: string, hours: number, tokens: number, beat?: Date): CoordinatorFlush => ({
    tenantId: tenant,
    totals: [{ sessionId: session, period, sessionHours: hours, llmTokens: tokens, sttSeconds: 1.5, ttsChars: 4, toolCalls: tokens % 7 }],
    heartbeats: beat ? [{ sessionId: session, at: beat }] : [],
    period,
  });

  it("writes each tenant's totals, heartbeats and roll-up, and reads each tenant back with the month's hours", async () => {
    const beat = new Date('2026-11-20T10:00:00.000Z');
    const found = await flushCoordinators(app.db, [flush(a, sa, 0.5, 10, beat), flush(b, sb, 0.25, 3), { tenantId: 'gone-tenant', totals: [], heartbeats: [], period }]);
    expect(found.map((f) => f && [f.tenant.id, f.sessionHours])).toEqual([[a, 0.5], [b, 0.25], null]);
    expect(await usage(a)).toEqual({ hours: 0.5, tokens: 10, stt: 1.5, chars: 4, tools: 3 });
    expect(await usage(b)).toEqual({ hours: 0.25, tokens: 3, stt: 1.5, chars: 4, tools: 3 });
    const [row] = (await app.db.execute(sql`select last_heartbeat_at from sessions where id = ${sa}`)) as unknown as Array<{ last_heartbeat_at: Date | string }>;
    expect(new Date(row!.last_heartbeat_at).toISOString()).toBe(beat.toISOString());
  });

  it('moves the roll-up by the difference only: the same totals again move nothing', async () => {
    await flushCoordinators(app.db, [flush(a, sa, 0.5, 10), flush(b, sb, 0.25, 3)]);
    expect(await usage(a)).toMatchObject({ hours: 0.5, tokens: 10 });
    await flushCoordinators(app.db, [flush(a, sa, 0.75, 12)]);
    expect(await usage(a)).toMatchObject({ hours: 0.75, tokens: 12, tools: 5 });
    expect(await usage(b)).toMatchObject({ hours: 0.25, tokens: 3 });
  });

  it("writes nothing of another tenant's session", async () => {
    const [before] = (await app.db.execute(sql`select last_heartbeat_at from sessions where id = ${sb}`)) as unknown as Array<{ last_heartbeat_at: unknown }>;
    await flushCoordinators(app.db, [flush(a, sb, 9, 999, new Date('2026-11-21T00:00:00.000Z'))]);
    expect(await usage(b)).toMatchObject({ hours: 0.25, tokens: 3 });
    expect(await usage(a)).toMatchObject({ hours: 0.75, tokens: 12, tools: 5 });
    const [after] = (await app.db.execute(sql`select last_heartbeat_at from sessions where id = ${sb}`)) as unknown as Array<{ last_heartbeat_at: unknown }>;
    expect(after).toEqual(before);
  });

  it('refuses the whole batch for a value a column cannot hold, writing none of it', async () => {
    await expect(flushCoordinators(app.db, [flush(b, sb, 0.5, 5), flush(a, sa, 1, 1e19)])).rejects.toThrow();
    expect(await usage(b)).toMatchObject({ hours: 0.25, tokens: 3 });
  });
});
