import { env, exports } from 'cloudflare:workers';
import { auditLog, createDb } from '@glyphoxa/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, ADMIN_KEY, snowflake } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';
import { api, memberOf, signIn, superAdmin, type Person, matrixPeople, WHO as MATRIX, type Who as MatrixWho } from './helpers/web-api.ts';

type Who = MatrixWho | 'super_admin';
const WHO: Who[] = [...MATRIX, 'super_admin'];

let owner: Person;
let tenant: string;
let people: Record<Who, string>;

const trail = (token: string, query: string) => api(token, 'GET', `/audit?${query}`);

/** A change made over HTTP from `ip`, as Cloudflare names the caller. */
async function renameCampaignFrom(ip: string, token: string, campaignId: string, name: string) {
  const res = await exports.default.fetch(`http://edge.test/api/v1/tenants/${tenant}/campaigns/${campaignId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'cf-connecting-ip': ip },
    body: JSON.stringify({ name }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  people = { ...(await matrixPeople(owner)), super_admin: (await superAdmin()).token };
});

describe('GET /api/v1/audit?tenant_id=, every cell of the roles matrix', () => {
  for (const who of WHO) {
    const expected = { tenant_owner: 200, dm: 403, viewer: 403, outsider: 404, operator: 200, super_admin: 200 }[who];
    it(`as ${who}: ${expected}`, async () => {
      const res = await trail(people[who], `tenant_id=${tenant}`);
      expect(res.status, JSON.stringify(res.body)).toBe(expected);
      if (expected === 403) expect(res.body.error.message).toContain(`Your role (${who})`);
      if (expected === 404) expect(res.body.error.code).toBe('tenant_not_found');
    });
  }
});

describe('the audit trail', () => {
  it('shows who (the principal), the tenant, the action, the resource, before and after, and the address', async () => {
    const dm = await memberOf(tenant, 'dm');
    const campaign = (await api(dm.token, 'POST', `/tenants/${tenant}/campaigns`, { name: `Saltmarsh ${crypto.randomUUID().slice(0, 6)}` })).body.campaign;
    await renameCampaignFrom('198.51.100.7', dm.token, campaign.id, 'Saltmarsh, renamed');
    const res = await trail(owner.token, `tenant_id=${tenant}&target=${campaign.id}`);
    expect(res.body.entries).toEqual([
      expect.objectContaining({
        tenant_id: tenant,
        actor: `user:${dm.id}`,
        principal: { kind: 'user', id: dm.id },
        action: 'campaign.update',
        resource: campaign.id,
        before: expect.objectContaining({ name: campaign.name }),
        after: expect.objectContaining({ name: 'Saltmarsh, renamed' }),
        ip: '198.51.100.7',
      }),
      expect.objectContaining({ action: 'campaign.create', principal: { kind: 'user', id: dm.id }, before: null, after: expect.objectContaining({ id: campaign.id }) }),
    ]);
    expect(Date.parse(res.body.entries[0].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('filters by actor, action and time, and pages newest first by next_before', async () => {
    const mine = await signIn();
    const t = mine.tenant;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api(mine.token, 'POST', `/tenants/${t}/campaigns`, { name: `Camp ${i}` })).body.campaign.id);
    const created = `tenant_id=${t}&action=campaign.create&actor=user:${mine.id}`;
    const first = await trail(mine.token, `${created}&limit=2`);
    expect(first.body.entries.map((e: { resource: string }) => e.resource)).toEqual([ids[4], ids[3]]);
    const second = await trail(mine.token, `${created}&limit=2&before=${first.body.next_before}`);
    expect(second.body.entries.map((e: { resource: string }) => e.resource)).toEqual([ids[2], ids[1]]);
    const last = await trail(mine.token, `${created}&limit=2&before=${second.body.next_before}`);
    expect(last.body.entries.map((e: { resource: string }) => e.resource)).toEqual([ids[0]]);
    expect(last.body.next_before).toBeNull();
    expect((await trail(mine.token, `tenant_id=${t}&action=campaign.create&actor=admin`)).body.entries).toEqual([]);
    expect((await trail(mine.token, `${created}&to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`)).body.entries).toEqual([]);
    expect((await trail(mine.token, `${created}&from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`)).body.entries).toHaveLength(5);
  });

  it("keeps each tenant to its own trail; super admins read every tenant's when they name none", async () => {
    const other = await signIn();
    const mark = (await api(other.token, 'POST', `/tenants/${other.tenant}/campaigns`, { name: 'Theirs' })).body.campaign.id;
    expect((await trail(owner.token, `tenant_id=${tenant}&target=${mark}`)).body.entries).toEqual([]);
    expect((await trail(owner.token, `tenant_id=${other.tenant}`)).status).toBe(404);
    expect((await trail(owner.token, '')).body.error).toMatchObject({ field: 'tenant_id' });
    for (const token of [people.super_admin, ADMIN_KEY]) {
      const res = await trail(token, `target=${mark}`);
      expect(res.body.entries.map((e: { tenant_id: string; action: string }) => [e.tenant_id, e.action])).toEqual([[other.tenant, 'campaign.create']]);
    }
    // The platform's own entries (no tenant) too, such as a sign-up.
    expect((await trail(people.super_admin, `actor=user:${other.id}&action=user.create`)).body.entries).toEqual([expect.objectContaining({ tenant_id: null })]);
  });

  it("lets an owner's read key read its own tenant's trail and no other's", async () => {
    const key = (await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'auditor', scopes: ['read'] })).body.api_key.key;
    const own = await trail(key, '');
    expect(own.status).toBe(200);
    expect(own.body.entries.every((e: { tenant_id: string }) => e.tenant_id === tenant)).toBe(true);
    expect((await trail(key, `tenant_id=${(await signIn()).tenant}`)).status).toBe(404);
  });

  it('never shows a secret: a session\'s audio token is redacted when audited, and an older row holding one on the way out', async () => {
    const mine = await signIn();
    expect((await admin('PUT', `/tenants/${mine.tenant}`, { license_tier: 'dedicated' })).status).toBe(200);
    const node = await TestNode.connect((await admin('POST', '/nodes', { pool: mine.tenant })).body.token, { audioUrl: 'ws://127.0.0.1:7777/audio' });
    const started = await admin('POST', `/tenants/${mine.tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    const token = started.body.session.audio.token as string;
    expect(token.length).toBeGreaterThan(8);
    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      const stored = await db.select().from(auditLog);
      expect(JSON.stringify(stored.filter((r) => r.tenantId === mine.tenant))).not.toContain(token);
      await db.insert(auditLog).values({ tenantId: mine.tenant, actor: 'admin', action: 'legacy.write', target: 'x', after: { provider: { api_key: 'sk-live-secret', has_api_key: true } } });
    } finally {
      await close();
    }
    const entries = (await trail(mine.token, `tenant_id=${mine.tenant}`)).body.entries;
    expect(entries.find((e: { action: string }) => e.action === 'session.start').after.audio).toMatchObject({ token: '[redacted]' });
    expect(entries.find((e: { action: string }) => e.action === 'legacy.write').after).toEqual({ provider: { api_key: '[redacted]', has_api_key: true } });
    node.close();
  });

  it('refuses bad queries naming the field', async () => {
    for (const [query, field] of [
      [`tenant_id=Not_A_Tenant`, 'tenant_id'],
      [`tenant_id=${tenant}&from=yesterday`, 'from'],
      [`tenant_id=${tenant}&before=abc`, 'before'],
      [`tenant_id=${tenant}&limit=201`, 'limit'],
      [`tenant_id=${tenant}&who=me`, 'who'],
    ] as const) {
      const res = await trail(owner.token, query);
      expect([query, res.status, res.body.error.field]).toEqual([query, 400, field]);
    }
  });
});
