import { env, exports } from 'cloudflare:workers';
import { auditLog, createDb } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from '../src/auth/access-token.ts';
import { TEST_SIGNING_KEYS } from './helpers/access-keys.ts';
import { admin, ADMIN_KEY, uniqueTenantId } from './helpers/admin.ts';

async function call(method: string, path: string, init: { token?: string; body?: unknown } = {}) {
  const res = await exports.default.fetch(`http://edge.test${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

const uniqueEmail = () => `dm-${crypto.randomUUID().slice(0, 8)}@example.test`;

/** A token as ours are, signed by whichever key the test names. */
async function tokenSignedBy(jwk: { kid: string }, claims: { sub: string; exp?: number }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'at+jwt' })
    .setSubject(claims.sub)
    .setIssuer('glyphoxa-edge')
    .setAudience('glyphoxa-api')
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(await importJWK(jwk, 'EdDSA'));
}

describe('local sign-in and access tokens', () => {
  it('signs a new person in with their own tenant, and /api/v1/me shows them', async () => {
    const email = uniqueEmail();
    const signIn = await call('POST', '/auth/local', { body: { email: email.toUpperCase(), display_name: 'Mira' } });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, created: true, user: { email, display_name: 'Mira', super_admin: false } });
    expect(signIn.body.memberships).toEqual([{ tenant_id: expect.stringMatching(/^dm-/), role: 'tenant_owner' }]);
    const me = await call('GET', '/api/v1/me', { token: signIn.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: signIn.body.user, memberships: signIn.body.memberships });

    // The second sign-in is the same person, with no second tenant; both are audited as the user.
    const again = await call('POST', '/auth/local', { body: { email } });
    expect(again.body).toMatchObject({ created: false, user: { id: signIn.body.user.id }, memberships: signIn.body.memberships });
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = await db.select().from(auditLog).where(eq(auditLog.target, signIn.body.user.id)).orderBy(auditLog.id);
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      [`user:${signIn.body.user.id}`, 'user.create'],
      [`user:${signIn.body.user.id}`, 'user.sign_in'],
    ]);
  });

  it('refuses a sign-in body naming the field', async () => {
    const res = await call('POST', '/auth/local', { body: { email: 'not-an-email' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/email/);
  });

  it('accepts the previous key still listed, and refuses tampered, expired, unlisted and missing tokens', async () => {
    const { body } = await call('POST', '/auth/local', { body: { email: uniqueEmail() } });
    const userId = body.user.id as string;
    expect((await call('GET', '/api/v1/me', { token: await tokenSignedBy(TEST_SIGNING_KEYS.k1, { sub: userId }) })).status).toBe(200);

    const [header, payload, signature] = (body.access_token as string).split('.');
    const forged = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/')));
    const tampered = `${header}.${btoa(JSON.stringify({ ...forged, sa: true })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.${signature}`;
    const expired = await signAccessToken(env, { userId, superAdmin: false }, Date.now() - 16 * 60_000);
    const unlisted = await tokenSignedBy(TEST_SIGNING_KEYS.stranger, { sub: userId });
    for (const token of [tampered, expired, unlisted, 'a.b.c', undefined]) {
      const res = await call('GET', '/api/v1/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('passes a token verified before only until its exp, and refuses it once its key is no longer listed', async () => {
    const { body } = await call('POST', '/auth/local', { body: { email: uniqueEmail() } });
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await tokenSignedBy(TEST_SIGNING_KEYS.k1, { sub: body.user.id, exp });
    expect((await call('GET', '/api/v1/me', { token })).status).toBe(200);
    expect(await verifyAccessToken(env, token)).toEqual({ userId: body.user.id, superAdmin: false });
    // The same keys but k1's taken off the list: what was verified with it is not kept.
    const listed = JSON.parse(env.ACCESS_TOKEN_PUBLIC_KEYS!) as Array<{ kid: string }>;
    expect(await verifyAccessToken({ ...env, ACCESS_TOKEN_PUBLIC_KEYS: JSON.stringify(listed.filter((key) => key.kid !== TEST_SIGNING_KEYS.k1.kid)) }, token)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    expect((await call('GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('keeps /api/v1/me for people: the admin key has no account', async () => {
    const res = await call('GET', '/api/v1/me', { token: ADMIN_KEY });
    expect(res.status).toBe(403);
  });

  it('keeps /admin for the operator: a signed-in user, even a super admin, is refused and changes nothing', async () => {
    const { body } = await call('POST', '/auth/local', { body: { email: uniqueEmail() } });
    const ownTenant = body.memberships[0].tenant_id as string;
    const superAdmin = await signAccessToken(env, { userId: body.user.id, superAdmin: true });
    const newTenant = uniqueTenantId('op');
    for (const token of [body.access_token as string, superAdmin]) {
      for (const [method, path, payload] of [
        ['POST', '/admin/tenants', { id: newTenant }],
        ['GET', '/admin/tenants'],
        ['GET', `/admin/tenants/${ownTenant}`],
        ['PUT', `/admin/tenants/${ownTenant}`, { tier: 'guild', max_concurrent_sessions: 50 }],
        ['DELETE', `/admin/tenants/${ownTenant}`],
        ['GET', `/admin/tenants/${ownTenant}/providers`],
        ['GET', `/admin/tenants/${ownTenant}/sessions`],
        ['GET', '/admin/nodes'],
      ] as const) {
        const res = await call(method, path, { token, body: payload });
        expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 403, 'operator_only']);
      }
    }
    expect((await admin('GET', `/tenants/${newTenant}`)).status).toBe(404);
    const own = await admin('GET', `/tenants/${ownTenant}`);
    expect(own.status).toBe(200);
    expect(own.body.tenant).toMatchObject({ id: ownTenant, tier: 'apprentice' });
  });
});
