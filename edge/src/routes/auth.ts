import { Hono } from 'hono';
import * as v from 'valibot';
import { setOAuthStateCookie, takeOAuthStateCookie } from '../auth/oauth-state-cookie.ts';
import { callbackCode, generateCodeVerifier, generateState, oauthProviders, OAuthProviderNameSchema, type ExternalIdentity } from '../auth/oauth/index.ts';
import { clearWebSessionCookies, refreshCookie, requireCsrf, setWebSessionCookies } from '../auth/web-session-cookies.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { signInWith } from '../operations/account.ts';
import { httpContext } from '../operations/context.ts';
import { endWebSession, refreshWebSession } from '../operations/web-sessions.ts';
import { readJson, readParams } from '../validation.ts';

export const LocalSignInSchema = v.strictObject({
  email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('must be an email address'), v.maxLength(254)),
  display_name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
});

const ProviderParamsSchema = v.object({ provider: OAuthProviderNameSchema });

/** Where the dashboard takes a new user first, and everyone else. */
export const ONBOARDING_PATH = '/onboarding';
export const HOME_PATH = '/';

/**
 * Sign-in doors and the web session. Every sign-in sets the refresh and CSRF cookies; the SPA
 * then gets access tokens from `POST /auth/refresh`. `/auth/local` trusts the email it is
 * given, so it exists only where LOCAL_SIGN_IN=on (local development).
 */
export function authRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/local', async (c) => {
    if (c.env.LOCAL_SIGN_IN !== 'on') throw new ApiError(404, 'not_found', 'Local sign-in is not enabled here');
    const body = await readJson(c, LocalSignInSchema);
    const identity = { provider: 'local' as const, subject: body.email, email: body.email, emailVerified: true, displayName: body.display_name ?? body.email.split('@')[0]!, avatarUrl: null };
    const signedIn = await signInWith(httpContext(c), identity);
    setWebSessionCookies(c, signedIn.grant);
    return c.json(signedIn.body);
  });

  app.post('/refresh', requireCsrf, async (c) => {
    const { grant, ...token } = await refreshWebSession(httpContext(c), refreshCookie(c)).catch((error: unknown) => {
      // A refused refresh token is of no further use to the browser.
      if (error instanceof ApiError && error.status === 401) clearWebSessionCookies(c);
      throw error;
    });
    setWebSessionCookies(c, grant);
    return c.json(token);
  });

  app.post('/logout', requireCsrf, async (c) => {
    await endWebSession(httpContext(c), refreshCookie(c));
    clearWebSessionCookies(c);
    return c.body(null, 204);
  });

  app.get('/:provider/start', async (c) => {
    const { provider: name } = readParams(c, ProviderParamsSchema);
    const provider = oauthProviders(c.env)[name];
    if (!provider) throw new ApiError(404, 'provider_not_configured', `Sign-in with ${name} is not configured here`, 'provider');
    const start = { provider: name, state: generateState(), codeVerifier: generateCodeVerifier() };
    await setOAuthStateCookie(c, start);
    return c.redirect(provider.authorizationUrl(start.state, start.codeVerifier).href, 302);
  });

  app.get('/:provider/callback', async (c) => {
    const { provider: name } = readParams(c, ProviderParamsSchema);
    const provider = oauthProviders(c.env)[name];
    if (!provider) throw new ApiError(404, 'provider_not_configured', `Sign-in with ${name} is not configured here`, 'provider');
    const started = await takeOAuthStateCookie(c, name);
    // No start (none in this browser, expired, tampered): callbackCode refuses it as a state mismatch.
    const code = await callbackCode(name, new URL(c.req.url), started?.state);
    const signedIn = await signInWith(httpContext(c), signInIdentity(await provider.identify(code, started!.codeVerifier)));
    setWebSessionCookies(c, signedIn.grant);
    return c.redirect(signedIn.body.created ? ONBOARDING_PATH : HOME_PATH, 302);
  });

  return app;
}

function signInIdentity(identity: ExternalIdentity) {
  return {
    provider: identity.provider,
    subject: identity.subject,
    email: identity.email,
    emailVerified: identity.email_verified,
    displayName: identity.display_name,
    avatarUrl: identity.avatar_url,
  };
}
