import { env } from 'cloudflare:workers';
import { createDb, insertSession, periodOf, tenants, usageRecords, users } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, ADMIN_KEY, snowflake } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';
import { api, memberOf, signIn, superAdmin, type Person } from './helpers/web-api.ts';

type Who = 'tenant_owner' | 'dm' | 'viewer' | 'api_key' | 'operator' | 'super_admin';
const WHO: Who[] = ['tenant_owner', 'dm', 'viewer', 'api_key', 'operator', 'super_admin'];
const ROUTES = ['/admin/tenants', '/admin/users', '/admin/observability'];

let owner: Person;
let root: Person;
let people: Record<Who, string>;

async function withDb<T>(fn: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T> {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    return await fn(db);
  } finally {
    await close();
  }
}

beforeAll(async () => {
  owner = await signIn();
  root = await superAdmin();
  people = {
    tenant_owner: owner.token,
    dm: (await memberOf(owner.tenant, 'dm')).token,
    viewer: (await memberOf(owner.tenant, 'viewer')).token,
    api_key: (await api(owner.token, 'POST', `/tenants/${owner.tenant}/keys`, { name: 'all', scopes: ['read', 'write', 'sessions', 'billing'] })).body.api_key.key,
    operator: ADMIN_KEY,
    super_admin: root.token,
  };
});

describe('super admin routes, every cell: super admins and the operator only', () => {
  for (const route of ROUTES) {
    for (const who of WHO) {
      const expected = who === 'operator' || who === 'super_admin' ? 200 : 403;
      it(`GET ${route} as ${who}: ${expected}`, async () => {
        const res = await api(people[who], 'GET', route);
        expect(res.status, JSON.stringify(res.body)).toBe(expected);
        if (expected === 403) expect(res.body.error.message).toMatch(/platform\./);
      });
    }
  }
});

describe('GET /api/v1/admin/tenants and /users', () => {
  it('pages through every tenant and every user by id', async () => {
    const fresh = await signIn();
    const walk = async (path: string, key: 'tenants' | 'users', idOf: (row: any) => string) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 1000; page++) {
        const res = await api(root.token, 'GET', `${path}?limit=500${after ? `&after=${after}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body[key].map(idOf));
        after = res.body.next_after;
        if (!after) break;
      }
      return seen;
    };
    const tenantIds = await walk('/admin/tenants', 'tenants', (t) => t.id);
    expect(tenantIds).toEqual(expect.arrayContaining([owner.tenant, fresh.tenant]));
    expect([...tenantIds].sort()).toEqual(tenantIds);
    const userIds = await walk('/admin/users', 'users', (u) => u.id);
    expect(userIds).toEqual(expect.arrayContaining([owner.id, fresh.id, root.id]));
    const two = await api(root.token, 'GET', '/admin/users?limit=2');
    expect(two.body.users).toHaveLength(2);
    expect(two.body.next_after).toBe(two.body.users[1].id);
    // Other suites' users share the database: the first one may have signed in with an avatar.
    const { avatar_url: avatar, ...first } = two.body.users[0];
    expect(avatar === null || typeof avatar === 'string').toBe(true);
    expect(first).toEqual({
      id: expect.any(String),
      email: expect.anything(),
      email_verified: expect.any(Boolean),
      display_name: expect.any(String),
      super_admin: expect.any(Boolean),
      last_login_at: expect.anything(),
      created_at: expect.any(String),
      memberships: expect.any(Array),
    });
  });

  it('finds tenants by id or a member\'s email, and users by email or display name, any case, still paged', async () => {
    const mine = await signIn();
    const [row] = await withDb((db) => db.select({ email: users.email }).from(users).where(eq(users.id, mine.id)));
    const email = row!.email;
    const search = async (path: string, q: string) => {
      const res = await api(root.token, 'GET', `${path}?q=${encodeURIComponent(q)}&limit=500`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    expect((await search('/admin/tenants', mine.tenant.toUpperCase())).tenants.map((t: { id: string }) => t.id)).toEqual([mine.tenant]);
    expect((await search('/admin/tenants', email!.split('@')[0]!)).tenants.map((t: { id: string }) => t.id)).toEqual([mine.tenant]);
    const found = (await search('/admin/users', email!.toUpperCase())).users;
    expect(found).toEqual([expect.objectContaining({ id: mine.id, email, memberships: [{ tenant_id: mine.tenant, role: 'tenant_owner' }] })]);
    // LIKE's wildcards are matched as themselves: "%" and "_" miss this user and team, whose names lack them
    // (other suites' rows in the same database may hold them).
    expect((await search('/admin/users', '%')).users.map((u: { id: string }) => u.id)).not.toContain(mine.id);
    expect((await search('/admin/tenants', '_')).tenants.map((t: { id: string }) => t.id)).not.toContain(mine.tenant);
    // An empty search lists everyone; a search narrows a page, it does not end the paging.
    expect((await search('/admin/tenants', '')).tenants.length).toBeGreaterThanOrEqual(2);
    const first = await api(root.token, 'GET', '/admin/users?q=example.test&limit=1');
    expect(first.body.users).toHaveLength(1);
    const second = await api(root.token, 'GET', `/admin/users?q=example.test&limit=1&after=${first.body.next_after}`);
    expect(second.body.users[0].id > first.body.users[0].id).toBe(true);
    expect((await api(root.token, 'GET', `/admin/users?q=${'x'.repeat(101)}`)).body.error.field).toBe('q');
  });

  it('refuses bad paging naming the field', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=many', 'limit'],
      ['sort=id', 'sort'],
    ] as const) {
      for (const route of ['/admin/tenants', '/admin/users']) {
        const res = await api(root.token, 'GET', `${route}?${query}`);
        expect([route, query, res.status, res.body.error.field]).toEqual([route, query, 400, field]);
      }
    }
  });
});

describe('GET /api/v1/admin/observability', () => {
  it("shows the connected nodes and their load, live sessions, the day's failures, registration errors and the month's usage", async () => {
    const mine = await signIn();
    const t = mine.tenant;
    expect((await admin('PUT', `/tenants/${t}`, { license_tier: 'dedicated' })).status).toBe(200);
    const created = await admin('POST', '/nodes', { pool: t });
    const node = await TestNode.connect(created.body.token, { capacity: 3 });
    const started = await admin('POST', `/tenants/${t}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    const sessionId = started.body.session.id as string;
    await node.next((m) => m.type === 'start_session' && m.session_id === sessionId);
    const failedId = crypto.randomUUID();
    await withDb(async (db) => {
      const endedAt = new Date(Date.now() - 60_000);
      await insertSession(db, t, { id: failedId, tenantId: t, guildId: snowflake(), channelId: snowflake(), startedBy: snowflake(), state: 'ended', startedAt: new Date(endedAt.getTime() - 600_000), endedAt, endReason: 'node_lost' });
      await db.update(tenants).set({ commandsRegistrationError: 'Discord said 401: invalid bot token' }).where(eq(tenants.id, t));
      await db.insert(usageRecords).values({ tenantId: t, period: periodOf(Date.now()), sessionHours: 2.5, llmTokens: 1200, sttSeconds: 30, ttsChars: 400 });
    });

    const res = await api(root.token, 'GET', '/admin/observability');
    expect(res.status).toBe(200);
    const view = res.body;
    expect(view.readiness).toEqual({ ready: true, checks: { postgres: { ok: true, latency_ms: expect.any(Number) } } });
    expect(view.tenants).toBeGreaterThanOrEqual(2);
    expect(view.users).toBeGreaterThanOrEqual(2);
    expect(view.nodes.list).toContainEqual(expect.objectContaining({ node_id: created.body.node_id, pool: t, connected: true, capacity: 3, load: 1 }));
    expect(view.nodes.connected).toBeGreaterThanOrEqual(1);
    expect(view.nodes.load).toBeGreaterThanOrEqual(1);
    expect(view.sessions.live).toContainEqual(expect.objectContaining({ id: sessionId, tenant_id: t, node_id: created.body.node_id }));
    expect(view.sessions.pending + view.sessions.active).toBeGreaterThanOrEqual(1);
    expect(view.recent_errors.failed_sessions).toContainEqual(expect.objectContaining({ id: failedId, end_reason: 'node_lost' }));
    expect(view.recent_errors.command_registration).toContainEqual({ tenant_id: t, error: 'Discord said 401: invalid bot token', at: expect.any(String) });
    expect(view.usage.period).toBe(periodOf(Date.now()));
    expect(view.usage.session_hours).toBeGreaterThanOrEqual(2.5);
    expect(view.usage.llm_tokens).toBeGreaterThanOrEqual(1200);
    expect(view.usage.tenants).toBeGreaterThanOrEqual(1);
    node.close();
  });
});
