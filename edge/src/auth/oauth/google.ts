import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as v from 'valibot';
import type { Bindings } from '../../env.ts';
import { CodeFlow } from './code-flow.ts';
import { OAuthError } from './oauth-error.ts';
import { displayName, identityOf, type OAuthProvider } from './provider.ts';
import { codeFlowSettings, endpoint } from './settings.ts';

const DEFAULTS = { authorize: 'https://accounts.google.com/o/oauth2/v2/auth', token: 'https://oauth2.googleapis.com/token' };
const DEFAULT_JWKS = 'https://www.googleapis.com/oauth2/v3/certs';
/** Google documents both spellings of its issuer. */
const DEFAULT_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
const SCOPES = ['openid', 'email', 'profile'];
/** jose's codes for a key set it could not get (any other code is a token that failed verification). */
const KEY_SET_UNAVAILABLE = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID', 'ERR_JWKS_TIMEOUT']);

/** The ID token's claims we read; Google has sent `email_verified` as a string in the past. */
const ClaimsSchema = v.object({
  sub: v.pipe(v.string(), v.minLength(1)),
  email: v.optional(v.string()),
  email_verified: v.optional(v.union([v.boolean(), v.pipe(v.picklist(['true', 'false']), v.transform((s) => s === 'true'))])),
  name: v.optional(v.string()),
  picture: v.optional(v.string()),
});

/** One key set per JWKS URL, so the isolate fetches Google's keys once and refetches on an unknown key id. */
const keySets = new Map<string, JWTVerifyGetKey>();
function keySet(url: string): JWTVerifyGetKey {
  let keys = keySets.get(url);
  if (!keys) keySets.set(url, (keys = createRemoteJWKSet(new URL(url))));
  return keys;
}

/**
 * Google sign-in (OpenID Connect): who signed in is the ID token from the token endpoint,
 * verified against Google's published keys (signature, issuer, audience = our client id,
 * expiry); the email and whether Google verified it are its claims.
 */
export function googleProvider(env: Bindings): OAuthProvider | null {
  const settings = codeFlowSettings(env, 'google', DEFAULTS, SCOPES);
  if (!settings) return null;
  const flow = new CodeFlow(settings);
  const jwksUrl = endpoint(env, 'GOOGLE_OAUTH_JWKS_URL', DEFAULT_JWKS);
  const issuer = env.GOOGLE_OAUTH_ISSUER ? [env.GOOGLE_OAUTH_ISSUER] : DEFAULT_ISSUERS;
  return {
    authorizationUrl: (state, codeVerifier) => flow.authorizationUrl(state, codeVerifier),
    async identify(code, codeVerifier) {
      const { id_token } = await flow.exchange(code, codeVerifier);
      if (!id_token) throw new OAuthError('google', 'provider_invalid_response', 'its token endpoint answered without an ID token');
      const claims = await verifiedClaims(id_token, keySet(jwksUrl), { issuer, audience: settings.clientId });
      return identityOf({
        provider: 'google',
        subject: claims.sub,
        email: claims.email ?? null,
        email_verified: !!claims.email && claims.email_verified === true,
        display_name: displayName(claims.name, claims.email?.split('@')[0]),
        avatar_url: claims.picture || null,
      });
    },
  };
}

async function verifiedClaims(idToken: string, keys: JWTVerifyGetKey, expected: { issuer: string[]; audience: string }) {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(idToken, keys, { ...expected, algorithms: ['RS256'] }));
  } catch (error) {
    if (error instanceof errors.JOSEError && !KEY_SET_UNAVAILABLE.has(error.code)) {
      throw new OAuthError('google', 'invalid_id_token', `its ID token did not verify (${error.code})`);
    }
    // The rest come from fetching the key set: a failed request, a bad status, or a body that is no key set.
    throw new OAuthError('google', 'provider_unavailable', 'its signing keys could not be fetched');
  }
  const claims = v.safeParse(ClaimsSchema, payload);
  if (!claims.success) throw new OAuthError('google', 'provider_invalid_response', 'its ID token lacks a subject');
  return claims.output;
}
