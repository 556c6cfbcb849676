import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { callbackCode, generateCodeVerifier, generateState, oauthProviders, OAuthError, type OAuthProviderName } from '../src/auth/oauth/index.ts';
import { snowflake } from './helpers/admin.ts';
import { authorizeAs, discordAccount, githubAccount, googleAccount, register } from './helpers/oauth.ts';

const providers = oauthProviders(env);

const SCOPES: Record<OAuthProviderName, string> = { discord: 'identify email guilds', google: 'openid email profile', github: 'read:user user:email' };

const uniqueEmail = (name: string) => `${name}.${crypto.randomUUID().slice(0, 8)}@Example.org`;

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A sign-in up to the callback: what the route would hold (state, verifier) and where the browser came back. */
async function startSignIn(name: OAuthProviderName, login: string) {
  const state = generateState();
  const verifier = generateCodeVerifier();
  const url = providers[name]!.authorizationUrl(state, verifier);
  const callback = await authorizeAs(url, login);
  return { state, verifier, url, callback };
}

async function refusal(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof OAuthError)) throw new Error(`expected an OAuthError, got ${String(error)}`);
  return error;
}

describe.each(['discord', 'google', 'github'] as const)('sign-in with %s', (name) => {
  it('runs the code flow with state and PKCE and yields who signed in', async () => {
    const person = await register[name](uniqueEmail('dm'), true);
    const { state, verifier, url, callback } = await startSignIn(name, person.login);

    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toBe(await s256(verifier));
    expect(url.searchParams.get('redirect_uri')).toBe(`http://edge.test/auth/${name}/callback`);
    expect(url.searchParams.get('scope')).toBe(SCOPES[name]);
    expect(`${callback.origin}${callback.pathname}`).toBe(`http://edge.test/auth/${name}/callback`);

    const code = await callbackCode(name, callback, state);
    expect(await providers[name]!.identify(code, verifier)).toEqual(person.expected);
  });

  it('reports an email the provider has not verified as unverified', async () => {
    const person = await register[name](uniqueEmail('player'), false);
    const { state, verifier, callback } = await startSignIn(name, person.login);
    const identity = await providers[name]!.identify(await callbackCode(name, callback, state), verifier);
    expect(identity.email).toBe(person.expected.email);
    expect(identity.email_verified).toBe(false);
  });

  it('refuses a callback whose state is not the one this browser started with', async () => {
    const person = await register[name](uniqueEmail('dm'), true);
    const { callback } = await startSignIn(name, person.login);
    const error = await refusal(callbackCode(name, callback, generateState()));
    expect(error).toMatchObject({ kind: 'invalid_callback', status: 400, code: 'oauth_invalid_callback' });
    expect((await refusal(callbackCode(name, callback, null))).kind).toBe('invalid_callback');
  });

  it('refuses a wrong code, another sign-in’s verifier and a code used twice', async () => {
    const person = await register[name](uniqueEmail('dm'), true);
    const provider = providers[name]!;
    const first = await startSignIn(name, person.login);
    const code = await callbackCode(name, first.callback, first.state);

    expect((await refusal(provider.identify(`${code}x`, first.verifier))).kind).toBe('code_refused');
    expect((await refusal(provider.identify(code, generateCodeVerifier()))).kind).toBe('code_refused');

    const second = await startSignIn(name, person.login);
    const again = await callbackCode(name, second.callback, second.state);
    await provider.identify(again, second.verifier);
    const reused = await refusal(provider.identify(again, second.verifier));
    expect(reused).toMatchObject({ kind: 'code_refused', status: 400 });
  });

  it('comes back with the provider’s refusal when the user cancels', async () => {
    const error = await refusal(callbackCode(name, new URL(`http://edge.test/auth/${name}/callback?error=access_denied&state=x`), 'x'));
    expect(error).toMatchObject({ kind: 'access_denied', status: 403 });
  });
});

describe('Google ID tokens', () => {
  it.each([
    ['tampered', 'its payload changed after signing'],
    ['other-audience', 'issued to another client'],
  ] as const)('refuses one %s (%s)', async (kind, _why) => {
    const email = uniqueEmail('mallory');
    await googleAccount({ login: email, claims: { sub: `m-${crypto.randomUUID()}`, email, email_verified: false }, id_token: kind });
    const { state, verifier, callback } = await startSignIn('google', email);
    const error = await refusal(providers.google!.identify(await callbackCode('google', callback, state), verifier));
    expect(error).toMatchObject({ kind: 'invalid_id_token', status: 401 });
  });
});

describe('a provider answering garbage', () => {
  it('is a typed error naming what did not fit, for Discord’s profile', async () => {
    const id = snowflake();
    await discordAccount(`g-${id}`, { user: { id, username: 'x' }, answers: { '/users/@me': { status: 200, body: '<html>maintenance</html>' } } });
    const { state, verifier, callback } = await startSignIn('discord', `g-${id}`);
    const error = await refusal(providers.discord!.identify(await callbackCode('discord', callback, state), verifier));
    expect(error).toMatchObject({ kind: 'provider_invalid_response', status: 502 });
    expect(error.message).toContain('/users/@me did not answer JSON');
  });

  it('is a typed error for GitHub emails of the wrong shape, and for an error status', async () => {
    await githubAccount('garbage-emails', { user: { id: 7, login: 'garbage-emails' }, emails: [], answers: { '/user/emails': { status: 200, body: '{"emails":"none"}' } } });
    let flow = await startSignIn('github', 'garbage-emails');
    let error = await refusal(providers.github!.identify(await callbackCode('github', flow.callback, flow.state), flow.verifier));
    expect(error).toMatchObject({ kind: 'provider_invalid_response', status: 502 });

    await githubAccount('down', { user: { id: 8, login: 'down' }, emails: [], answers: { '/user': { status: 503, body: '{}' } } });
    flow = await startSignIn('github', 'down');
    error = await refusal(providers.github!.identify(await callbackCode('github', flow.callback, flow.state), flow.verifier));
    expect(error).toMatchObject({ kind: 'provider_unavailable', status: 502 });
    expect(error.message).toContain('/user answered 503');
  });

  it('is a typed error for a profile whose email is no email', async () => {
    const id = snowflake();
    await discordAccount(`bad-${id}`, { user: { id, username: 'x', email: 'not-an-email', verified: true } });
    const { state, verifier, callback } = await startSignIn('discord', `bad-${id}`);
    const error = await refusal(providers.discord!.identify(await callbackCode('discord', callback, state), verifier));
    expect(error).toMatchObject({ kind: 'provider_invalid_response' });
    expect(error.message).toContain('email');
  });
});

describe('configuration', () => {
  it('offers only the providers whose client id and secret are set', () => {
    expect(Object.keys(providers).sort()).toEqual(['discord', 'github', 'google']);
    const some = oauthProviders({ ...env, GITHUB_OAUTH_CLIENT_SECRET: undefined, DISCORD_OAUTH_CLIENT_ID: '' });
    expect(Object.keys(some)).toEqual(['google']);
  });

  it('defaults every endpoint to the vendor’s own', () => {
    const bare = { ...env, DISCORD_OAUTH_AUTHORIZE_URL: undefined, GOOGLE_OAUTH_AUTHORIZE_URL: undefined, GITHUB_OAUTH_AUTHORIZE_URL: undefined };
    const defaults = oauthProviders(bare);
    expect(defaults.discord!.authorizationUrl('s', generateCodeVerifier()).origin + '/oauth2/authorize').toBe('https://discord.com/oauth2/authorize');
    expect(defaults.google!.authorizationUrl('s', generateCodeVerifier()).href).toMatch(/^https:\/\/accounts\.google\.com\/o\/oauth2\/v2\/auth\?/);
    expect(defaults.github!.authorizationUrl('s', generateCodeVerifier()).href).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);
  });

  it('names the variable an operator got wrong', () => {
    expect(() => oauthProviders({ ...env, PUBLIC_BASE_URL: undefined })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => oauthProviders({ ...env, GITHUB_OAUTH_TOKEN_URL: 'github.com/token' })).toThrow(/GITHUB_OAUTH_TOKEN_URL/);
  });
});
