import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as v from 'valibot';
import type { AppEnv } from '../env.ts';
import { signEdgeJwt, verifyEdgeJwt, type EdgeJwtKind } from './access-token.ts';
import type { OAuthProviderName } from './oauth/index.ts';

/** A sign-in started at a provider must come back within this. */
export const OAUTH_STATE_TTL_S = 10 * 60;
export const OAUTH_STATE_COOKIE = 'gx_oauth';

const KIND: EdgeJwtKind = { typ: 'oauth-state+jwt', audience: 'glyphoxa-oauth-callback' };
const COOKIE_PATH = '/auth';

const ClaimsSchema = v.object({ sub: v.string(), st: v.string(), cv: v.string() });

/** What this browser's sign-in started with: the provider, its `state`, and the PKCE verifier. */
export interface OAuthStart {
  provider: OAuthProviderName;
  state: string;
  codeVerifier: string;
}

/**
 * Keeps the sign-in's state and verifier in the browser that started it, signed by the
 * edge (so it cannot be forged or swapped for another provider's) and expiring with the
 * JWT inside. `Lax`: the provider's redirect back is a cross-site top-level GET.
 */
export async function setOAuthStateCookie(c: Context<AppEnv>, start: OAuthStart): Promise<void> {
  const jwt = await signEdgeJwt(c.env, KIND, { sub: start.provider, st: start.state, cv: start.codeVerifier }, OAUTH_STATE_TTL_S);
  setCookie(c, OAUTH_STATE_COOKIE, jwt, { httpOnly: true, secure: true, sameSite: 'Lax', path: COOKIE_PATH, maxAge: OAUTH_STATE_TTL_S });
}

/** The sign-in this browser started with `provider`, or null (none, expired, tampered, another provider's). Read once: it is cleared. */
export async function takeOAuthStateCookie(c: Context<AppEnv>, provider: OAuthProviderName): Promise<OAuthStart | null> {
  const jwt = getCookie(c, OAUTH_STATE_COOKIE);
  deleteCookie(c, OAUTH_STATE_COOKIE, { path: COOKIE_PATH, secure: true, httpOnly: true, sameSite: 'Lax' });
  const payload = jwt ? await verifyEdgeJwt(c.env, KIND, jwt) : null;
  const claims = v.safeParse(ClaimsSchema, payload);
  if (!claims.success || claims.output.sub !== provider) return null;
  return { provider, state: claims.output.st, codeVerifier: claims.output.cv };
}
