import { env } from 'cloudflare:workers';
import { auditLog, createDb } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, ADMIN_KEY, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';

async function auditRows(target: string) {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    // In the order written: a select without one may return them in any.
    return await db.select().from(auditLog).where(eq(auditLog.target, target)).orderBy(auditLog.id);
  } finally {
    await close();
  }
}

describe('PUT /api/v1/me', () => {
  it('changes the display name and avatar, answers the account as GET /me reads it, and audits before and after', async () => {
    const me = await signIn();
    const res = await api(me.token, 'PUT', '/me', { display_name: '  Mira the DM ', avatar_url: 'https://cdn.example.test/mira.png' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user).toMatchObject({ id: me.id, display_name: 'Mira the DM', avatar_url: 'https://cdn.example.test/mira.png' });
    expect(res.body.memberships).toEqual([{ tenant_id: me.tenant, role: 'tenant_owner' }]);
    expect((await api(me.token, 'GET', '/me')).body).toEqual(res.body);

    expect((await api(me.token, 'PUT', '/me', { avatar_url: null })).body.user).toMatchObject({ display_name: 'Mira the DM', avatar_url: null });
    const rows = (await auditRows(me.id)).filter((r) => r.action === 'user.update');
    expect(rows.map((r) => [r.actor, r.tenantId, r.before?.display_name, r.after?.display_name, r.after?.avatar_url])).toEqual([
      [`user:${me.id}`, null, expect.any(String), 'Mira the DM', 'https://cdn.example.test/mira.png'],
      [`user:${me.id}`, null, 'Mira the DM', 'Mira the DM', null],
    ]);
  });

  it('refuses bad bodies naming the field, and changes nothing', async () => {
    const me = await signIn();
    const before = (await api(me.token, 'GET', '/me')).body;
    for (const [body, field] of [
      [{ display_name: '   ' }, 'display_name'],
      [{ display_name: 'x'.repeat(101) }, 'display_name'],
      [{ avatar_url: 'http://plain.example.test/a.png' }, 'avatar_url'],
      [{ avatar_url: 'not a url' }, 'avatar_url'],
      [{ email: 'other@example.test' }, 'email'],
      [{}, 'display_name'],
    ] as const) {
      const res = await api(me.token, 'PUT', '/me', body);
      expect([JSON.stringify(body), res.status, res.body.error.field ?? res.body.error.message]).toEqual([JSON.stringify(body), 400, expect.stringContaining(field)]);
    }
    expect((await api(me.token, 'GET', '/me')).body).toEqual(before);
  });

  it('is a person\'s own: an API key or the operator key may not change it', async () => {
    const me = await signIn();
    const key = (await api(me.token, 'POST', `/tenants/${me.tenant}/keys`, { name: 'ci', scopes: ['read', 'write'] })).body.api_key.key;
    for (const token of [key, ADMIN_KEY]) expect((await api(token, 'PUT', '/me', { display_name: 'Someone else' })).status).toBe(403);
    expect((await api('not-a-token', 'PUT', '/me', { display_name: 'x' })).status).toBe(401);
  });
});

describe('POST /api/v1/tenants', () => {
  it('makes the signed-in user the owner of a new apprentice tenant on shared nodes, audited as them', async () => {
    const me = await signIn();
    const id = uniqueTenantId('second');
    const res = await api(me.token, 'POST', '/tenants', { id, dm_role_id: snowflake() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.tenant).toMatchObject({ id, tier: 'apprentice', license_tier: 'shared', has_bot_token: false });
    expect((await api(me.token, 'GET', '/me')).body.memberships).toEqual(
      [
        { tenant_id: me.tenant, role: 'tenant_owner' },
        { tenant_id: id, role: 'tenant_owner' },
      ].sort((a, b) => a.tenant_id.localeCompare(b.tenant_id)),
    );
    expect((await api(me.token, 'GET', `/tenants/${id}`)).status).toBe(200);
    const rows = await auditRows(id);
    expect(rows.map((r) => [r.actor, r.action, r.tenantId, r.after?.id])).toEqual([[`user:${me.id}`, 'tenant.create', id, id]]);
  });

  it("refuses a taken id (409), the plan's fields (403), bad ids and unknown fields (400), each naming the field", async () => {
    const me = await signIn();
    for (const [body, status, field] of [
      [{ id: me.tenant }, 409, 'id'],
      [{ id: uniqueTenantId('plan'), tier: 'guild' }, 403, 'tier'],
      [{ id: uniqueTenantId('plan'), license_tier: 'dedicated' }, 403, 'license_tier'],
      [{ id: uniqueTenantId('plan'), monthly_session_hours: 700 }, 403, 'monthly_session_hours'],
      [{ id: 'Not An Id' }, 400, 'id'],
      [{ id: 'shared' }, 400, 'id'],
      [{}, 400, 'id'],
      [{ id: uniqueTenantId('x'), owner: 'someone' }, 400, 'owner'],
    ] as const) {
      const res = await api(me.token, 'POST', '/tenants', body);
      expect([JSON.stringify(body), res.status, res.body.error.field]).toEqual([JSON.stringify(body), status, field]);
    }
    expect((await api(me.token, 'GET', '/me')).body.memberships).toHaveLength(1);
  });

  it('needs a signed-in user: no token is a 401, a tenant API key a 403', async () => {
    const me = await signIn();
    const key = (await api(me.token, 'POST', `/tenants/${me.tenant}/keys`, { name: 'ci', scopes: ['read', 'write'] })).body.api_key.key;
    expect((await api('', 'POST', '/tenants', { id: uniqueTenantId() })).status).toBe(401);
    expect((await api(key, 'POST', '/tenants', { id: uniqueTenantId() })).status).toBe(403);
  });
});

describe('DELETE /api/v1/tenants/:id', () => {
  let owner: Person;
  beforeAll(async () => {
    owner = await signIn();
  });

  /** A tenant of `owner`'s, made afresh for each call, with a DM and a viewer. */
  async function ownedTenant() {
    const id = uniqueTenantId('del');
    expect((await api(owner.token, 'POST', '/tenants', { id })).status).toBe(201);
    return { id, dm: await memberOf(id, 'dm'), viewer: await memberOf(id, 'viewer') };
  }

  it('is for owners and the operator: a DM or viewer gets 403, someone of another tenant 404', async () => {
    const outsider = await signIn();
    for (const [who, status] of [
      ['dm', 403],
      ['viewer', 403],
      ['outsider', 404],
      ['tenant_owner', 200],
      ['operator', 200],
    ] as const) {
      const tenant = await ownedTenant();
      const token = { dm: tenant.dm.token, viewer: tenant.viewer.token, outsider: outsider.token, tenant_owner: owner.token, operator: ADMIN_KEY }[who];
      const res = await api(token, 'DELETE', `/tenants/${tenant.id}`);
      expect([who, res.status]).toEqual([who, status]);
      if (status === 403) expect(res.body.error.message).toContain(`Your role (${who})`);
      if (status === 404) expect(res.body.error.code).toBe('tenant_not_found');
      expect((await api(owner.token, 'GET', `/tenants/${tenant.id}`)).status).toBe(status === 200 ? 404 : 200);
    }
  });

  it('stops its live sessions, removes it and its memberships, and audits the owner who did it', async () => {
    const { id, dm } = await ownedTenant();
    // A dedicated pool of its own, so the session surely lands on this test's node.
    expect((await admin('PUT', `/tenants/${id}`, { license_tier: 'dedicated' })).status).toBe(200);
    const node = await TestNode.connect((await admin('POST', '/nodes', { pool: id })).body.token);
    const started = await admin('POST', `/tenants/${id}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const sessionId = started.body.session.id as string;
    await node.next((m) => m.type === 'start_session' && m.session_id === sessionId);

    const res = await api(owner.token, 'DELETE', `/tenants/${id}`);
    expect(res).toEqual({ status: 200, body: { deleted: id, ended_sessions: 1 } });
    expect(await node.next((m) => m.type === 'stop_session' && m.session_id === sessionId)).toMatchObject({ reason: 'tenant_deleted' });
    expect((await api(dm.token, 'GET', '/me')).body.memberships).toEqual([{ tenant_id: dm.tenant, role: 'tenant_owner' }]);
    expect((await api(owner.token, 'DELETE', `/tenants/${id}`)).status).toBe(404);
    const rows = (await auditRows(id)).filter((r) => r.action === 'tenant.delete');
    expect(rows.map((r) => [r.actor, r.tenantId, r.detail, r.before?.id])).toEqual([[`user:${owner.id}`, id, { ended_sessions: 1 }, id]]);
    node.close();
  });

  it('refuses a malformed id naming the field', async () => {
    const res = await api(owner.token, 'DELETE', '/tenants/Bad_Id');
    expect(res).toMatchObject({ status: 400, body: { error: { field: 'id' } } });
  });
});
