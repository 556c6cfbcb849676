import { env, exports } from 'cloudflare:workers';
import { createDb, insertSession, memberships, users, type MemberRole } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { signAccessToken } from '../../src/auth/access-token.ts';
import { expect } from 'vitest';
import { ADMIN_KEY, snowflake } from './admin.ts';

/** Calls /api/v1 with a bearer token, as the dashboard does. */
export async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await exports.default.fetch(`http://edge.test/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

export interface Person {
  id: string;
  token: string;
  /** The tenant their first sign-in created, which they own. */
  tenant: string;
}

/** Signs a new person in locally: their first sign-in makes them the owner of a new tenant. */
export async function signIn(): Promise<Person> {
  const email = `p-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const res = await exports.default.fetch('http://edge.test/auth/local', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  const body = (await res.json()) as any;
  expect(res.status).toBe(200);
  return { id: body.user.id, token: body.access_token, tenant: body.memberships[0].tenant_id };
}

/** A new person who is `role` in `tenant` (the membership row written as an accepted invite leaves it). */
export async function memberOf(tenant: string, role: MemberRole): Promise<Person> {
  const person = await signIn();
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    await db.insert(memberships).values({ tenantId: tenant, userId: person.id, role });
  } finally {
    await close();
  }
  return person;
}

/** A person made a platform operator (`users.super_admin`, as an operator sets it in the database), with a token saying so. */
export async function superAdmin(): Promise<Person> {
  const person = await signIn();
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    await db.update(users).set({ superAdmin: true }).where(eq(users.id, person.id));
  } finally {
    await close();
  }
  return { ...person, token: await signAccessToken(env, { userId: person.id, superAdmin: true }) };
}

/** An ended session written as its coordinator would have, `minutesAgo` before now. */
export async function endedSession(tenantId: string, campaignId: string | null = null, minutesAgo = 60) {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    const startedAt = new Date(Date.now() - minutesAgo * 60_000);
    const row = await insertSession(db, tenantId, {
      id: crypto.randomUUID(),
      tenantId,
      campaignId,
      guildId: snowflake(),
      channelId: snowflake(),
      startedBy: snowflake(),
      state: 'ended',
      startedAt,
      endedAt: new Date(startedAt.getTime() + 30 * 60_000),
      endReason: 'stopped',
    });
    return row.id;
  } finally {
    await close();
  }
}

/** The principals a roles-matrix test calls a tenant's routes as. */
export type Who = 'tenant_owner' | 'dm' | 'viewer' | 'outsider' | 'operator';
export const WHO: Who[] = ['tenant_owner', 'dm', 'viewer', 'outsider', 'operator'];

/** A token for each of them in `owner`'s tenant: new members for the roles, a stranger, the admin key. */
export async function matrixPeople(owner: Person): Promise<Record<Who, string>> {
  return {
    tenant_owner: owner.token,
    dm: (await memberOf(owner.tenant, 'dm')).token,
    viewer: (await memberOf(owner.tenant, 'viewer')).token,
    outsider: (await signIn()).token,
    operator: ADMIN_KEY,
  };
}
