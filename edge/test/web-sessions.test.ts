import { env } from 'cloudflare:workers';
import { auditLog, createDb, insertRefreshToken } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/auth/constant-time.ts';
import { randomToken } from '../src/auth/random-token.ts';
import { Browser } from './helpers/browser.ts';

const uniqueEmail = () => `web-${crypto.randomUUID().slice(0, 8)}@example.test`;

async function signedIn() {
  const browser = new Browser();
  const res = await browser.fetch('POST', '/auth/local', { body: { email: uniqueEmail() } });
  expect(res.status).toBe(200);
  return { browser, userId: res.body.user.id as string };
}

/** Another browser holding a copy of `from`'s cookies as they are now (a stolen refresh token, say). */
function copyOf(from: Browser): Browser {
  const copy = new Browser();
  for (const [name, cookie] of from.cookies) copy.cookies.set(name, { ...cookie });
  return copy;
}

async function me(token: string) {
  const res = await new Browser().fetch('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  return res;
}

describe('web sessions: refresh and logout', () => {
  it('sets the refresh token HttpOnly, Secure and SameSite=Strict for /auth only, and a CSRF cookie the SPA can read', async () => {
    const { browser } = await signedIn();
    expect(browser.cookie('gx_refresh')).toMatch(/^[0-9a-f-]{36}\.[\w-]{43}$/);
    const refresh = browser.attributes('gx_refresh')!;
    for (const part of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/auth']) expect(refresh).toContain(part);
    const days = (new Date(refresh.match(/Expires=([^;]+)/)![1]!).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const csrf = browser.attributes('gx_csrf')!;
    expect(csrf).not.toContain('HttpOnly');
    for (const part of ['Secure', 'SameSite=Strict', 'Path=/']) expect(csrf).toContain(part);
  });

  it('rotates the refresh token on every refresh, each access token working', async () => {
    const { browser, userId } = await signedIn();
    const first = browser.cookie('gx_refresh');
    const res = await browser.post('/auth/refresh');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(browser.cookie('gx_refresh')).not.toBe(first);
    expect((await me(res.body.access_token)).body.user.id).toBe(userId);
    const again = await browser.post('/auth/refresh');
    expect(again.status).toBe(200);
  });

  it('signs the whole family out when a rotated refresh token comes back, and audits it', async () => {
    const { browser, userId } = await signedIn();
    const thief = copyOf(browser);
    expect((await browser.post('/auth/refresh')).status).toBe(200);

    // The copy still holds the token just rotated: reuse.
    const reuse = await thief.post('/auth/refresh');
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_refused');
    expect(reuse.body.error.message).toMatch(/already used/);
    expect(thief.cookie('gx_refresh')).toBeUndefined();
    // The owner's current token was in the family too.
    expect((await browser.post('/auth/refresh')).status).toBe(401);

    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.target, userId), eq(auditLog.action, 'session.refresh_reused')));
    expect(rows.map((r) => r.actor)).toEqual([`user:${userId}`]);
  });

  it('refuses refresh and logout whose X-CSRF-Token is missing or differs from the CSRF cookie, and changes nothing', async () => {
    const { browser } = await signedIn();
    const token = browser.cookie('gx_refresh');
    const noCookie = copyOf(browser);
    noCookie.cookies.delete('gx_csrf');
    for (const attempt of [
      () => browser.fetch('POST', '/auth/refresh'),
      () => browser.post('/auth/refresh', 'x'.repeat(43)),
      () => browser.post('/auth/logout', 'wrong'),
      () => noCookie.post('/auth/refresh', browser.cookie('gx_csrf')),
    ]) {
      const res = await attempt();
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('csrf_mismatch');
      expect(res.body.error.message).toContain('x-csrf-token');
    }
    expect(browser.cookie('gx_refresh')).toBe(token);
    expect((await browser.post('/auth/refresh')).status).toBe(200);
  });

  it('logs out: the family is revoked at once and the cookies are cleared', async () => {
    const { browser } = await signedIn();
    const copy = copyOf(browser);
    const res = await browser.post('/auth/logout');
    expect(res.status).toBe(204);
    expect(browser.cookie('gx_refresh')).toBeUndefined();
    expect(browser.cookie('gx_csrf')).toBeUndefined();
    expect((await copy.post('/auth/refresh')).status).toBe(401);
  });

  it('refuses expired, tampered, unknown and missing refresh tokens', async () => {
    const { browser, userId } = await signedIn();
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const expired = `${userId}.${randomToken(32)}`;
    await insertRefreshToken(db, userId, { family: crypto.randomUUID(), tokenHash: await sha256Hex(expired), tenantId: null, expiresAt: new Date(Date.now() - 1000) });
    const valid = browser.cookie('gx_refresh')!;
    const tampered = `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`;
    const otherUser = `${crypto.randomUUID()}.${valid.split('.')[1]}`;
    for (const [token, message] of [
      [expired, /expired/],
      [tampered, /No valid refresh token/],
      [otherUser, /No valid refresh token/],
      ['garbage', /No valid refresh token/],
      [undefined, /No valid refresh token/],
    ] as const) {
      const attempt = copyOf(browser);
      if (token === undefined) attempt.cookies.delete('gx_refresh');
      else attempt.cookies.set('gx_refresh', { value: token, path: '/auth', attributes: '' });
      const res = await attempt.post('/auth/refresh');
      expect([token, res.status, res.body.error.code]).toEqual([token, 401, 'refresh_refused']);
      expect(res.body.error.message).toMatch(message);
    }
    // None of those attempts touched the real one.
    expect((await browser.post('/auth/refresh')).status).toBe(200);
  });
});
