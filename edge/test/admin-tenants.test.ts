import { env } from 'cloudflare:workers';
import { auditLog, createDb, getTenant } from '@glyphoxa/db';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { admin, uniqueTenantId } from './helpers/admin.ts';

const BOT_TOKEN = 'MTExMTExMTExMTExMTExMTEx.Gabcde.plaintext-secret-token';

describe('admin tenants API', () => {
  it('refuses a missing or wrong admin key', async () => {
    expect((await admin('GET', '/tenants', undefined, 'wrong')).status).toBe(401);
    const res = await admin('GET', '/tenants', undefined, '');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('creates a tenant, never returns its bot token, and keeps it sealed', async () => {
    const id = uniqueTenantId();
    const res = await admin('POST', '/tenants', { id, tier: 'dungeon_master', bot_token: BOT_TOKEN, guild_ids: ['123456789012345678'] });
    expect(res.status).toBe(201);
    expect(res.body.tenant).toMatchObject({ id, tier: 'dungeon_master', license_tier: 'shared', has_bot_token: true, guild_ids: ['123456789012345678'] });
    // The suite runs self-hosted (no Stripe key: billing disabled), so no plan bounds the tenant.
    expect(res.body.tenant.limits).toEqual({
      plan: null,
      monthly_sessions: null,
      monthly_session_hours: null,
      max_concurrent_sessions: null,
      npcs: null,
      seats: null,
      overridden: [],
      grace_ends_at: null,
    });
    expect(JSON.stringify(res.body)).not.toContain(BOT_TOKEN);
    expect(JSON.stringify((await admin('GET', `/tenants/${id}`)).body)).not.toContain(BOT_TOKEN);
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const stored = await getTenant(db, id);
    expect(stored!.botTokenEnc).toMatch(/^k2\./);
    const raw = await db.execute(sql`select t::text from tenants t where id = ${id}`);
    expect(JSON.stringify(raw)).not.toContain(BOT_TOKEN);
    const audit = await db.select().from(auditLog).where(eq(auditLog.target, id));
    expect(audit.map((a) => a.action)).toContain('tenant.create');
    expect(JSON.stringify(audit)).not.toContain(BOT_TOKEN);
  });

  it("applies the tenant's own overrides, and only those while billing is disabled (the plan table is db/test/plan-limits.test.ts)", async () => {
    const id = uniqueTenantId();
    const limits = (l: object) => ({ plan: null, monthly_sessions: null, npcs: null, seats: null, grace_ends_at: null, ...l });
    expect((await admin('POST', '/tenants', { id })).body.tenant.limits).toEqual(limits({ monthly_session_hours: null, max_concurrent_sessions: null, overridden: [] }));
    const res = await admin('PUT', `/tenants/${id}`, { tier: 'adventurer', max_concurrent_sessions: 2 });
    expect(res.status).toBe(200);
    expect(res.body.tenant.limits).toEqual(limits({ monthly_session_hours: null, max_concurrent_sessions: 2, overridden: ['max_concurrent_sessions'] }));
    const reset = await admin('PUT', `/tenants/${id}`, { max_concurrent_sessions: null, tier: 'guild' });
    expect(reset.body.tenant.limits).toEqual(limits({ monthly_session_hours: null, max_concurrent_sessions: null, overridden: [] }));
  });

  it('refuses invalid fields by name, and changes nothing', async () => {
    const id = uniqueTenantId();
    const cases: Array<[unknown, string]> = [
      [{ id: 'Bad_Id' }, 'id'],
      [{ id: 'shared' }, 'id'],
      [{ id, tier: 'platinum' }, 'tier'],
      [{ id, guild_ids: ['123456789012345678', 'nope'] }, 'guild_ids.1'],
      [{ id, monthly_session_hours: -1 }, 'monthly_session_hours'],
      [{ id, max_concurrent_sessions: 1.5 }, 'max_concurrent_sessions'],
      [{ id, discord_public_key: 'xyz' }, 'discord_public_key'],
      [{ id, surprise: true }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const res = await admin('POST', '/tenants', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect((await admin('POST', '/tenants', '{not json')).status).toBe(400);
    expect((await admin('GET', `/tenants/${id}`)).status).toBe(404);
  });

  it('refuses an existing id with 409', async () => {
    const id = uniqueTenantId();
    expect((await admin('POST', '/tenants', { id })).status).toBe(201);
    const again = await admin('POST', '/tenants', { id, tier: 'guild' });
    expect(again.status).toBe(409);
    expect((await admin('GET', `/tenants/${id}`)).body.tenant.tier).toBe('apprentice');
  });

  it('pages the tenant list', async () => {
    for (let i = 0; i < 3; i++) await admin('POST', '/tenants', { id: uniqueTenantId('page') });
    const first = await admin('GET', '/tenants?limit=2');
    expect(first.body.tenants).toHaveLength(2);
    const second = await admin('GET', `/tenants?limit=2&after=${first.body.next_after}`);
    expect(second.body.tenants[0].id > first.body.tenants[1].id).toBe(true);
    expect((await admin('GET', '/tenants?limit=0')).body.error.field).toBe('limit');
  });

  it('deletes a tenant and all its data', async () => {
    const id = uniqueTenantId();
    await admin('POST', '/tenants', { id });
    const res = await admin('DELETE', `/tenants/${id}`);
    expect(res.status).toBe(200);
    expect((await admin('GET', `/tenants/${id}`)).status).toBe(404);
    expect((await admin('DELETE', `/tenants/${id}`)).status).toBe(404);
  });

  it("reports usage per period with the quota beside it (the operator's, billing being disabled)", async () => {
    const id = uniqueTenantId();
    await admin('POST', '/tenants', { id, tier: 'adventurer', monthly_session_hours: 32, max_concurrent_sessions: 1 });
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    await db.execute(sql`insert into usage_records (tenant_id, period, session_hours, llm_tokens) values (${id}, '2026-09', 3.5, 1200), (${id}, '2026-10', 1, 10)`);
    const res = await admin('GET', `/tenants/${id}/usage?from=2026-09&to=2026-10`);
    expect(res.status).toBe(200);
    expect(res.body.quota).toEqual({ monthly_session_hours: 32, max_concurrent_sessions: 1 });
    expect(res.body.periods).toEqual([
      expect.objectContaining({ period: '2026-09', session_hours: 3.5, llm_tokens: 1200, quota_hours: 32, remaining_hours: 28.5 }),
      expect.objectContaining({ period: '2026-10', session_hours: 1 }),
    ]);
    expect((await admin('GET', `/tenants/${id}/usage?from=2026-13`)).body.error.field).toBe('from');
  });
  it('audits each change once, naming the operator, with the tenant before and after and no secret', async () => {
    const id = uniqueTenantId();
    await admin('POST', '/tenants', { id });
    await admin('PUT', `/tenants/${id}`, { tier: 'adventurer', bot_token: BOT_TOKEN }, undefined, { 'cf-connecting-ip': '203.0.113.7' });
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = await db.select().from(auditLog).where(eq(auditLog.target, id)).orderBy(auditLog.id);
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      ['admin', 'tenant.create'],
      ['admin', 'tenant.update'],
    ]);
    const update = rows[1]!;
    expect(update.before).toMatchObject({ id, tier: 'apprentice', has_bot_token: false });
    expect(update.after).toMatchObject({ id, tier: 'adventurer', has_bot_token: true });
    expect(update.ip).toBe('203.0.113.7');
    expect(JSON.stringify(rows)).not.toContain(BOT_TOKEN);
  });
});
