import { describe, expect, it } from 'vitest';
import type { OAuthProviderName } from '../src/auth/oauth/index.ts';
import { admin } from './helpers/admin.ts';
import { Browser } from './helpers/browser.ts';
import { authorizeAs, register } from './helpers/oauth.ts';

const uniqueEmail = (name: string) => `${name}.${crypto.randomUUID().slice(0, 8)}@Example.org`;

/** A browser signing in with `provider` as `login`, from the button to the page the edge sends it to. */
async function signIn(browser: Browser, provider: OAuthProviderName, login: string) {
  const start = await browser.fetch('GET', `/auth/${provider}/start`);
  expect(start.status).toBe(302);
  const callback = await authorizeAs(new URL(start.location!), login);
  expect(`${callback.origin}${callback.pathname}`).toBe(`http://edge.test/auth/${provider}/callback`);
  return browser.fetch('GET', `${callback.pathname}${callback.search}`);
}

/** The SPA on the page it landed on: an access token from the refresh cookie, and who it is. */
async function whoAmI(browser: Browser) {
  const refresh = await browser.post('/auth/refresh');
  expect(refresh.status).toBe(200);
  const me = await browser.fetch('GET', '/api/v1/me', { headers: { authorization: `Bearer ${refresh.body.access_token}` } });
  expect(me.status).toBe(200);
  return me.body as { user: { id: string; email: string | null; email_verified: boolean; display_name: string }; memberships: Array<{ tenant_id: string; role: string }> };
}

describe.each(['discord', 'google', 'github'] as const)('GET /auth/%s/start and /callback', (provider) => {
  it('signs a new person in: a user owning a new shared apprentice tenant, sent to onboarding; the next time, home', async () => {
    const person = await register[provider](uniqueEmail('dm'), true);
    const browser = new Browser();
    const first = await signIn(browser, provider, person.login);
    expect(first).toMatchObject({ status: 302, location: '/onboarding' });
    expect(browser.cookie('gx_oauth')).toBeUndefined();

    const account = await whoAmI(browser);
    expect(account.user).toMatchObject({ email: person.expected.email, email_verified: true, display_name: person.expected.display_name });
    expect(account.memberships).toEqual([{ tenant_id: expect.stringMatching(/^dm-/), role: 'tenant_owner' }]);
    const tenant = await admin('GET', `/tenants/${account.memberships[0]!.tenant_id}`);
    expect(tenant.body.tenant).toMatchObject({ license_tier: 'shared', tier: 'apprentice' });

    const later = new Browser();
    expect(await signIn(later, provider, person.login)).toMatchObject({ status: 302, location: '/' });
    expect(await whoAmI(later)).toEqual(account);
  });

  it('puts state and the PKCE verifier in a short-lived signed cookie, and refuses a callback without it, tampered or of another provider', async () => {
    const person = await register[provider](uniqueEmail('dm'), true);
    const browser = new Browser();
    const start = await browser.fetch('GET', `/auth/${provider}/start`);
    const cookie = browser.attributes('gx_oauth')!;
    for (const part of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/auth', 'Max-Age=600']) expect(cookie).toContain(part);
    const stateCookie = browser.cookie('gx_oauth')!;
    const callback = await authorizeAs(new URL(start.location!), person.login);
    const back = `${callback.pathname}${callback.search}`;

    const other: OAuthProviderName = provider === 'google' ? 'github' : 'google';
    const [header, payload, signature] = stateCookie.split('.');
    const forged = `${header}.${btoa(JSON.stringify({ ...JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))), st: 'mine' })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.${signature}`;
    for (const cookieValue of [undefined, forged, 'not-a-jwt']) {
      const stranger = new Browser();
      if (cookieValue) stranger.cookies.set('gx_oauth', { value: cookieValue, path: '/auth', attributes: '' });
      const res = await stranger.fetch('GET', back);
      expect([cookieValue, res.status, res.body.error.code]).toEqual([cookieValue, 400, 'oauth_invalid_callback']);
      expect(stranger.cookie('gx_refresh')).toBeUndefined();
    }
    // The start of a sign-in with another provider does not pass for this one's.
    const elsewhere = new Browser();
    await elsewhere.fetch('GET', `/auth/${other}/start`);
    expect((await elsewhere.fetch('GET', back)).status).toBe(400);

    // The browser that started it still signs in, once: its cookie is spent.
    expect((await browser.fetch('GET', back)).status).toBe(302);
    expect((await browser.fetch('GET', back)).body.error.code).toBe('oauth_invalid_callback');
  });

  it('sends a user who cancelled at the provider back with the provider’s refusal', async () => {
    const browser = new Browser();
    await browser.fetch('GET', `/auth/${provider}/start`);
    const res = await browser.fetch('GET', `/auth/${provider}/callback?error=access_denied&state=x`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('oauth_access_denied');
  });
});

describe('linking sign-ins to one person', () => {
  it('links a second provider whose verified email matches, and never one whose email is unverified', async () => {
    const email = uniqueEmail('elara');
    const google = await register.google(email, true);
    const first = new Browser();
    await signIn(first, 'google', google.login);
    const owner = await whoAmI(first);

    const github = await register.github(email, true);
    const linked = new Browser();
    expect(await signIn(linked, 'github', github.login)).toMatchObject({ status: 302, location: '/' });
    expect((await whoAmI(linked)).user.id).toBe(owner.user.id);

    const discord = await register.discord(email, false);
    const unverified = new Browser();
    expect(await signIn(unverified, 'discord', discord.login)).toMatchObject({ status: 302, location: '/onboarding' });
    const stranger = await whoAmI(unverified);
    expect(stranger.user.id).not.toBe(owner.user.id);
    expect(stranger.user.email_verified).toBe(false);
    expect(stranger.memberships.map((m) => m.tenant_id)).not.toContain(owner.memberships[0]!.tenant_id);
  });
});

describe('sign-in routes refusing', () => {
  it('names an unknown provider', async () => {
    const res = await new Browser().fetch('GET', '/auth/myspace/start');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('provider');
  });
});
