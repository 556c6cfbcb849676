import { env, exports } from 'cloudflare:workers';
import { auditLog, createDb } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, snowflake } from './helpers/admin.ts';
import { api } from './helpers/web-api.ts';

const uniqueEmail = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@example.test`;

interface Person {
  id: string;
  email: string;
  token: string;
  tenants: string[];
}

async function signIn(email = uniqueEmail('p')): Promise<Person> {
  const res = await exports.default.fetch('http://edge.test/auth/local', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  const body = (await res.json()) as any;
  expect(res.status).toBe(200);
  return { id: body.user.id, email, token: body.access_token, tenants: body.memberships.map((m: { tenant_id: string }) => m.tenant_id) };
}

/** A person invited to `tenant` by its owner as `role`, who then signs in for the first time. */
async function member(owner: Person, tenant: string, role: 'tenant_owner' | 'dm' | 'viewer'): Promise<Person> {
  const email = uniqueEmail(role);
  expect((await api(owner.token, 'POST', `/tenants/${tenant}/users`, { email, role })).status).toBe(201);
  const person = await signIn(email);
  expect(person.tenants).toEqual([tenant]);
  return person;
}

type Who = 'tenant_owner' | 'dm' | 'viewer' | 'outsider' | 'operator';
const WHO: Who[] = ['tenant_owner', 'dm', 'viewer', 'outsider', 'operator'];

let owner: Person;
let tenant: string;
let people: Record<Who, string>;

beforeAll(async () => {
  owner = await signIn(uniqueEmail('owner'));
  tenant = owner.tenants[0]!;
  const outsider = await signIn(uniqueEmail('outsider'));
  people = {
    tenant_owner: owner.token,
    dm: (await member(owner, tenant, 'dm')).token,
    viewer: (await member(owner, tenant, 'viewer')).token,
    outsider: outsider.token,
    operator: ADMIN_KEY,
  };
});

/** Each route, called afresh (its own target, where it changes one), and who may: the plan's matrix. */
const ROUTES: Record<string, { call: (token: string) => Promise<{ status: number; body: any }>; ok: number; allowed: Who[] }> = {
  'GET /tenants/:id': { call: (t) => api(t, 'GET', `/tenants/${tenant}`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
  'PUT /tenants/:id': { call: (t) => api(t, 'PUT', `/tenants/${tenant}`, { dm_role_id: snowflake() }), ok: 200, allowed: ['tenant_owner', 'operator'] },
  'GET /tenants/:id/users': { call: (t) => api(t, 'GET', `/tenants/${tenant}/users`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
  'POST /tenants/:id/users': { call: (t) => api(t, 'POST', `/tenants/${tenant}/users`, { email: uniqueEmail('invitee'), role: 'viewer' }), ok: 201, allowed: ['tenant_owner', 'operator'] },
  'PUT /tenants/:id/users/:userId': {
    call: async (t) => api(t, 'PUT', `/tenants/${tenant}/users/${(await member(owner, tenant, 'viewer')).id}`, { role: 'dm' }),
    ok: 200,
    allowed: ['tenant_owner', 'operator'],
  },
  'DELETE /tenants/:id/users/:userId': {
    call: async (t) => api(t, 'DELETE', `/tenants/${tenant}/users/${(await member(owner, tenant, 'viewer')).id}`),
    ok: 200,
    allowed: ['tenant_owner', 'operator'],
  },
  'DELETE /tenants/:id/invites/:inviteId': {
    call: async (t) => {
      const invite = await api(owner.token, 'POST', `/tenants/${tenant}/users`, { discord_id: snowflake(), role: 'dm' });
      return api(t, 'DELETE', `/tenants/${tenant}/invites/${invite.body.invite.id}`);
    },
    ok: 200,
    allowed: ['tenant_owner', 'operator'],
  },
};

describe('tenant routes, every cell of the roles matrix', () => {
  for (const [route, { call, ok, allowed }] of Object.entries(ROUTES)) {
    for (const who of WHO) {
      // A member short of the role: 403; someone of another tenant: 404, as if it did not exist.
      const expected = allowed.includes(who) ? ok : who === 'outsider' ? 404 : 403;
      it(`${route} as ${who}: ${expected}`, async () => {
        const res = await call(people[who]);
        expect(res.status, JSON.stringify(res.body)).toBe(expected);
        if (expected === 403) expect(res.body.error.message).toContain(`Your role (${who})`);
        if (expected === 404) expect(res.body.error.code).toBe('tenant_not_found');
      });
    }
  }
});

describe('members', () => {
  it('lists members with their roles and the pending invites; an invitee joins with the role at first sign-in, audited as the owner', async () => {
    const email = uniqueEmail('newdm');
    const invited = await api(owner.token, 'POST', `/tenants/${tenant}/users`, { email: email.toUpperCase(), role: 'dm' });
    expect(invited.body.invite).toMatchObject({ email, discord_id: null, role: 'dm', invited_by: owner.id });
    expect((await api(owner.token, 'POST', `/tenants/${tenant}/users`, { email, role: 'viewer' })).body.error).toMatchObject({ code: 'invite_exists', field: 'email' });
    let list = await api(people.viewer, 'GET', `/tenants/${tenant}/users`);
    expect(list.body.invites.map((i: { email: string }) => i.email)).toContain(email);

    const joined = await signIn(email);
    list = await api(people.viewer, 'GET', `/tenants/${tenant}/users`);
    expect(list.body.members).toContainEqual(expect.objectContaining({ user_id: joined.id, email, role: 'dm' }));
    expect(list.body.members).toContainEqual(expect.objectContaining({ user_id: owner.id, role: 'tenant_owner' }));
    expect(list.body.invites.map((i: { email: string }) => i.email)).not.toContain(email);

    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.target, invited.body.invite.id)));
    expect(rows.map((r) => [r.actor, r.action])).toEqual([[`user:${owner.id}`, 'member.invite']]);
  });

  it('never lets the last owner be removed or demoted', async () => {
    const first = await signIn(uniqueEmail('solo'));
    const own = first.tenants[0]!;
    for (const res of [await api(first.token, 'PUT', `/tenants/${own}/users/${first.id}`, { role: 'dm' }), await api(first.token, 'DELETE', `/tenants/${own}/users/${first.id}`), await api(ADMIN_KEY, 'DELETE', `/tenants/${own}/users/${first.id}`)]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('last_owner');
    }
    // With a second owner, the first may step down; then the second is the last.
    const second = await member(first, own, 'tenant_owner');
    expect((await api(first.token, 'PUT', `/tenants/${own}/users/${first.id}`, { role: 'viewer' })).body.member).toEqual({ user_id: first.id, role: 'viewer' });
    expect((await api(second.token, 'DELETE', `/tenants/${own}/users/${second.id}`)).body.error.code).toBe('last_owner');
  });

  it('reads the role at each request: a demoted member loses its rights with the same token, a removed one the tenant', async () => {
    const dm = await member(owner, tenant, 'dm');
    const members = (token: string) => api(token, 'GET', `/tenants/${tenant}/users`);
    expect((await api(owner.token, 'PUT', `/tenants/${tenant}/users/${dm.id}`, { role: 'tenant_owner' })).status).toBe(200);
    expect((await api(dm.token, 'PUT', `/tenants/${tenant}`, { dm_role_id: null })).status).toBe(200);
    expect((await api(owner.token, 'PUT', `/tenants/${tenant}/users/${dm.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await api(dm.token, 'PUT', `/tenants/${tenant}`, { dm_role_id: null })).status).toBe(403);
    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/users/${dm.id}`)).body).toEqual({ removed: dm.id });
    expect((await members(dm.token)).status).toBe(404);
  });
});

describe('tenant isolation', () => {
  it("answers 404 for each of another tenant's ids, on every route", async () => {
    const other = await signIn(uniqueEmail('other'));
    const otherTenant = other.tenants[0]!;
    const otherInvite = (await api(other.token, 'POST', `/tenants/${otherTenant}/users`, { email: uniqueEmail('x'), role: 'dm' })).body.invite.id;
    const calls = [
      ['GET', `/tenants/${otherTenant}`],
      ['PUT', `/tenants/${otherTenant}`, { dm_role_id: null }],
      ['GET', `/tenants/${otherTenant}/users`],
      ['POST', `/tenants/${otherTenant}/users`, { email: uniqueEmail('y'), role: 'dm' }],
      ['PUT', `/tenants/${otherTenant}/users/${other.id}`, { role: 'viewer' }],
      ['DELETE', `/tenants/${otherTenant}/users/${other.id}`],
      ['DELETE', `/tenants/${otherTenant}/invites/${otherInvite}`],
      // Another tenant's member and invite, through one's own tenant.
      ['PUT', `/tenants/${tenant}/users/${other.id}`, { role: 'viewer' }, 'member_not_found'],
      ['DELETE', `/tenants/${tenant}/users/${other.id}`, undefined, 'member_not_found'],
      ['DELETE', `/tenants/${tenant}/invites/${otherInvite}`, undefined, 'invite_not_found'],
    ] as const;
    for (const [method, path, body, code] of calls) {
      const res = await api(owner.token, method, path, body);
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 404, code ?? 'tenant_not_found']);
    }
    // Nothing of it changed.
    const theirs = await api(other.token, 'GET', `/tenants/${otherTenant}/users`);
    expect(theirs.body.members).toEqual([expect.objectContaining({ user_id: other.id, role: 'tenant_owner' })]);
    expect(theirs.body.invites.map((i: { id: string }) => i.id)).toEqual([otherInvite]);
  });
});

describe('input', () => {
  it('refuses plan fields from an owner, and bad bodies and ids naming the field', async () => {
    const plan = await api(owner.token, 'PUT', `/tenants/${tenant}`, { tier: 'guild' });
    expect(plan).toMatchObject({ status: 403, body: { error: { field: 'tier' } } });
    for (const [method, path, body, field] of [
      ['POST', `/tenants/${tenant}/users`, { email: 'not-an-email', role: 'dm' }, 'email'],
      ['POST', `/tenants/${tenant}/users`, { email: uniqueEmail('r'), role: 'super_admin' }, 'role'],
      ['POST', `/tenants/${tenant}/users`, { email: uniqueEmail('r'), role: 'dm', admin: true }, 'admin'],
      ['POST', `/tenants/${tenant}/users`, { role: 'dm' }, 'email'],
      ['POST', `/tenants/${tenant}/users`, { email: uniqueEmail('r'), discord_id: snowflake(), role: 'dm' }, 'exactly one'],
      ['PUT', `/tenants/${tenant}/users/not-a-uuid`, { role: 'dm' }, 'userId'],
      ['PUT', `/tenants/${tenant}/users/${owner.id}`, { role: 'owner' }, 'role'],
      ['PUT', `/tenants/${tenant}`, { dm_role_id: 'abc' }, 'dm_role_id'],
    ] as const) {
      const res = await api(owner.token, method, path, body);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.error.message).toContain(field);
    }
  });
});
