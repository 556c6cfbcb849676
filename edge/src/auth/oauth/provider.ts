import * as v from 'valibot';
import { issuePath } from '@glyphoxa/protocol';
import { ExternalIdentitySchema, type ExternalIdentity } from './identity.ts';
import { OAuthError } from './oauth-error.ts';

/** What a sign-in route needs of a provider; `oauthProviders(env)` (index.ts) builds them. */
export interface OAuthProvider {
  /** Where to send the browser: carries `state` and the S256 challenge of `codeVerifier`. */
  authorizationUrl(state: string, codeVerifier: string): URL;
  /** The callback's code, with the same verifier, traded for who signed in. */
  identify(code: string, codeVerifier: string): Promise<ExternalIdentity>;
}

/** Vendors' display names have no common bound: the first non-empty one, cut to what we store. */
export function displayName(...candidates: Array<string | null | undefined>): string {
  const name = candidates.map((c) => c?.trim()).find((c) => c);
  return (name ?? 'Unnamed').slice(0, 100);
}

/** The identity a provider's answers make up, checked like any input (an email that is no email, say). */
export function identityOf(fields: v.InferInput<typeof ExternalIdentitySchema>): ExternalIdentity {
  const parsed = v.safeParse(ExternalIdentitySchema, fields);
  if (parsed.success) return parsed.output;
  const field = issuePath(parsed.issues[0]);
  throw new OAuthError(fields.provider, 'provider_invalid_response', `its profile has an unusable ${field ?? 'value'}`);
}
