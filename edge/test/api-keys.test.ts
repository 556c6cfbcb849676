import { env, exports } from 'cloudflare:workers';
import { apiKeys, auditLog, createDb } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_KEY, admin, snowflake } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { api, endedSession, memberOf, signIn, type Person } from './helpers/web-api.ts';

let owner: Person;
let tenant: string;
/** Every key the tests were given: none may show up anywhere after its creation. */
const issued: string[] = [];
/** Every log line the Worker wrote while these tests ran. */
const logLines: string[] = [];

const database = () => createDb(env.HYPERDRIVE.connectionString, { max: 1 });

async function newKey(by: Person, scopes: string[], extra: Record<string, unknown> = {}, t = tenant) {
  const res = await api(by.token, 'POST', `/tenants/${t}/keys`, { name: `key ${crypto.randomUUID().slice(0, 6)}`, scopes, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  issued.push(res.body.api_key.key);
  return res.body.api_key as { id: string; key: string; scopes: string[] };
}

const newCampaign = (token: string, t = tenant) => api(token, 'POST', `/tenants/${t}/campaigns`, { name: `Camp ${crypto.randomUUID().slice(0, 8)}` });

beforeAll(async () => {
  const log = console.log.bind(console);
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
    log(...args);
  });
  owner = await signIn();
  tenant = owner.tenant;
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe('managing keys', () => {
  it('creates a key shown once, lists it with its last 4 characters and last_used_at and never the key, revokes it at once', async () => {
    const created = await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: ' CI reader ', scopes: ['read', 'read'] });
    expect(created.status).toBe(201);
    const key = created.body.api_key;
    issued.push(key.key);
    expect(key).toMatchObject({ name: 'CI reader', scopes: ['read'], created_by: owner.id, expires_at: null, last_used_at: null });
    expect(key.key).toMatch(new RegExp(`^gx_live_${tenant}\\.${key.id}\\.[A-Za-z0-9_-]{43}$`));
    expect(key.last4).toBe(key.key.slice(-4));

    // Only the secret's hash is kept.
    const { db, close } = database();
    try {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row!.secretHash).toMatch(/^[a-f0-9]{64}$/);
      expect(JSON.stringify(row)).not.toContain(key.key.split('.')[2]);
    } finally {
      await close();
    }

    expect((await api(key.key, 'GET', `/tenants/${tenant}/campaigns`)).status).toBe(200);
    const used = await eventually('last_used_at recorded', async () => {
      const list = await api(owner.token, 'GET', `/tenants/${tenant}/keys`);
      return list.body.api_keys.find((k: { id: string; last_used_at: string | null }) => k.id === key.id && k.last_used_at);
    });
    expect(Date.now() - Date.parse(used.last_used_at)).toBeLessThan(60_000);
    expect(Object.keys(used).sort()).toEqual(['created_at', 'created_by', 'expires_at', 'id', 'last4', 'last_used_at', 'name', 'scopes']);
    expect(used.last4).toBe(key.key.slice(-4));

    // Within the minute, further uses write nothing.
    expect((await api(key.key, 'GET', `/tenants/${tenant}/campaigns`)).status).toBe(200);
    const again = await api(owner.token, 'GET', `/tenants/${tenant}/keys`);
    expect(again.body.api_keys.find((k: { id: string }) => k.id === key.id).last_used_at).toBe(used.last_used_at);

    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/keys/${key.id}`)).body).toEqual({ revoked: key.id });
    const refused = await api(key.key, 'GET', `/tenants/${tenant}/campaigns`);
    expect(refused.status).toBe(401);
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/keys`)).body.api_keys.map((k: { id: string }) => k.id)).not.toContain(key.id);
    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/keys/${key.id}`)).body.error).toMatchObject({ code: 'api_key_not_found', field: 'key_id' });
  });

  it('refuses an expired key, a wrong secret and a malformed key with 401', async () => {
    const key = await newKey(owner, ['read'], { expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await api(key.key, 'GET', `/tenants/${tenant}`)).status).toBe(200);
    await eventually('the key expired', async () => (await api(key.key, 'GET', `/tenants/${tenant}`)).status === 401, { timeoutMs: 4000, everyMs: 250 });

    const live = await newKey(owner, ['read']);
    const [prefix, id] = live.key.split('.');
    expect((await api(`${prefix}.${id}.${'A'.repeat(43)}`, 'GET', `/tenants/${tenant}`)).status).toBe(401);
    expect((await api('gx_live_nonsense', 'GET', `/tenants/${tenant}`)).status).toBe(401);
  });

  it('lets only owners manage keys; others of the tenant get 403, outsiders 404', async () => {
    const dm = await memberOf(tenant, 'dm');
    const viewer = await memberOf(tenant, 'viewer');
    const outsider = await signIn();
    for (const who of [dm, viewer]) {
      const res = await api(who.token, 'POST', `/tenants/${tenant}/keys`, { name: 'mine', scopes: ['read'] });
      expect(res.status).toBe(403);
      expect((await api(who.token, 'GET', `/tenants/${tenant}/keys`)).status).toBe(403);
    }
    expect((await api(outsider.token, 'GET', `/tenants/${tenant}/keys`)).body.error.code).toBe('tenant_not_found');
    // The operator sees the keys but cannot make one: a key acts for a member, and the admin key is nobody's.
    expect((await api(ADMIN_KEY, 'GET', `/tenants/${tenant}/keys`)).status).toBe(200);
    const byOperator = await api(ADMIN_KEY, 'POST', `/tenants/${tenant}/keys`, { name: 'ops', scopes: ['read'] });
    expect(byOperator.status).toBe(403);
    expect(byOperator.body.error.message).toContain('acts for the member who created it');
  });

  it('names the field of a bad body', async () => {
    const bad = async (body: unknown) => (await api(owner.token, 'POST', `/tenants/${tenant}/keys`, body)).body.error;
    expect(await bad({ name: 'x', scopes: ['admin'] })).toMatchObject({ code: 'invalid_request', field: 'scopes.0' });
    expect(await bad({ name: 'x', scopes: [] })).toMatchObject({ field: 'scopes' });
    expect(await bad({ name: '', scopes: ['read'] })).toMatchObject({ field: 'name' });
    expect(await bad({ name: 'x', scopes: ['read'], expires_at: new Date(Date.now() - 1000).toISOString() })).toMatchObject({ field: 'expires_at' });
    expect(await bad({ name: 'x', scopes: ['read'], secret: 'mine' })).toMatchObject({ field: 'secret' });
  });
});

describe('a key acting', () => {
  it('does what its scopes allow and is refused with 403 naming the scope it lacks', async () => {
    const reader = await newKey(owner, ['read']);
    const writer = await newKey(owner, ['read', 'write']);
    const runner = await newKey(owner, ['sessions']);
    const session = await endedSession(tenant);

    expect((await api(reader.key, 'GET', `/tenants/${tenant}/sessions/${session}`)).status).toBe(200);
    const write = await newCampaign(reader.key);
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain('lacks the write scope');
    expect((await newCampaign(writer.key)).status).toBe(201);

    const stop = await api(writer.key, 'POST', `/tenants/${tenant}/sessions/${session}/stop`);
    expect(stop.status).toBe(403);
    expect(stop.body.error.message).toContain('lacks the sessions scope');
    // The sessions scope passes authorization to the tenant's coordinator, which no longer holds this ended session.
    const stopped = await api(runner.key, 'POST', `/tenants/${tenant}/sessions/${session}/stop`);
    expect(stopped.body.error.code).toBe('session_not_found');
    expect((await api(runner.key, 'GET', `/tenants/${tenant}/campaigns`)).body.error.message).toContain('lacks the read scope');

    // A key is no person: its account is not its to touch, and it cannot grant scopes it lacks.
    expect((await api(writer.key, 'GET', '/me')).status).toBe(403);
    expect((await admin('GET', '/admin/tenants', undefined, writer.key)).status).toBe(403);
    const grant = await api(writer.key, 'POST', `/tenants/${tenant}/keys`, { name: 'wider', scopes: ['billing'] });
    expect(grant.status).toBe(403);
    expect(grant.body.error).toMatchObject({ field: 'scopes' });
  });

  it("never goes beyond its creator's current role: a demoted creator's key loses the power, a removed creator's stops", async () => {
    const coOwner = await memberOf(tenant, 'tenant_owner');
    const key = await newKey(coOwner, ['read', 'write']);
    expect((await api(key.key, 'PUT', `/tenants/${tenant}`, { dm_role_id: snowflake() })).status).toBe(200);

    expect((await api(owner.token, 'PUT', `/tenants/${tenant}/users/${coOwner.id}`, { role: 'dm' })).status).toBe(200);
    const settings = await api(key.key, 'PUT', `/tenants/${tenant}`, { dm_role_id: snowflake() });
    expect(settings.status).toBe(403);
    expect(settings.body.error.message).toContain('Your role (dm)');
    expect((await newCampaign(key.key)).status).toBe(201);

    expect((await api(owner.token, 'PUT', `/tenants/${tenant}/users/${coOwner.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await newCampaign(key.key)).status).toBe(403);
    expect((await api(key.key, 'GET', `/tenants/${tenant}/campaigns`)).status).toBe(200);

    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/users/${coOwner.id}`)).status).toBe(200);
    expect((await api(key.key, 'GET', `/tenants/${tenant}/campaigns`)).status).toBe(401);
  });

  it("gets 404 for another tenant's ids", async () => {
    const other = await signIn();
    const theirCampaign = (await newCampaign(other.token, other.tenant)).body.campaign.id as string;
    const theirKey = await newKey(other, ['read'], {}, other.tenant);
    const key = await newKey(owner, ['read', 'write', 'sessions']);

    const elsewhere = await api(key.key, 'GET', `/tenants/${other.tenant}/campaigns`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('tenant_not_found');
    expect((await api(key.key, 'GET', `/tenants/${other.tenant}/campaigns/${theirCampaign}`)).status).toBe(404);
    expect((await api(key.key, 'GET', `/tenants/${tenant}/campaigns/${theirCampaign}`)).status).toBe(404);
    expect((await api(key.key, 'POST', `/tenants/${other.tenant}/sessions/${await endedSession(other.tenant)}/stop`)).status).toBe(404);
    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/keys/${theirKey.id}`)).status).toBe(404);
    // Naming another tenant in the key itself finds nothing.
    const [, id, secret] = theirKey.key.split('.');
    expect((await api(`gx_live_${tenant}.${id}.${secret}`, 'GET', `/tenants/${tenant}/campaigns`)).status).toBe(401);
  });

  it('writes audit rows naming the api_key principal', async () => {
    const key = await newKey(owner, ['write']);
    const campaign = (await newCampaign(key.key)).body.campaign.id as string;
    const { db, close } = database();
    try {
      const created = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.target, campaign)));
      expect(created.map((r) => r.actor)).toEqual([`api_key:${key.id}`]);
      const made = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.target, key.id)));
      expect(made.map((r) => [r.actor, r.action])).toEqual([[`user:${owner.id}`, 'api_key.create']]);
      expect(JSON.stringify(made)).not.toContain(key.key);
    } finally {
      await close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the key routes; only the creating answer has the key', async () => {
    const { paths } = (await (await exports.default.fetch('http://edge.test/api/v1/openapi.json')).json()) as any;
    const answer = (op: any, status: string) => op.responses[status].content['application/json'].schema;
    const keys = paths['/api/v1/tenants/{id}/keys'];
    expect(answer(keys.post, '201').properties.api_key.required).toContain('key');
    expect(keys.post.requestBody.content['application/json'].schema.properties.scopes.items.enum).toEqual(['read', 'write', 'sessions', 'billing']);
    expect(Object.keys(answer(keys.get, '200').properties.api_keys.items.properties)).not.toContain('key');
    expect(paths['/api/v1/tenants/{id}/keys/{keyId}'].delete).toBeDefined();
  });
});

describe('secrecy', () => {
  it('never shows a key after its creation: not in any list, audit row or log line', async () => {
    expect(issued.length).toBeGreaterThan(5);
    const secrets = issued.map((k) => k.split('.')[2]!);
    const list = JSON.stringify((await api(owner.token, 'GET', `/tenants/${tenant}/keys`)).body);
    const { db, close } = database();
    try {
      const audit = JSON.stringify(await db.select().from(auditLog).where(eq(auditLog.tenantId, tenant)));
      for (const secret of secrets) {
        expect(list).not.toContain(secret);
        expect(audit).not.toContain(secret);
      }
    } finally {
      await close();
    }
    // Refused keys are logged by id, with the reason the caller is not told.
    const refusals = logLines.filter((line) => line.includes('api key refused')).map((line) => JSON.parse(line));
    expect(refusals.map((r) => r.reason)).toEqual(expect.arrayContaining(['unknown or revoked', 'wrong secret', 'expired', 'creator no longer a member']));
    for (const line of logLines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
