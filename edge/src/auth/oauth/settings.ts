import * as v from 'valibot';
import type { Bindings } from '../../env.ts';
import type { CodeFlowSettings } from './code-flow.ts';
import type { OAuthProviderName } from './identity.ts';

type Variable = keyof Bindings & string;

const UrlSchema = v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, 'must be an http(s) URL'));

/** A configured URL, else `fallback`; a malformed one stops the sign-in loudly (an operator's typo). */
export function endpoint(env: Bindings, variable: Variable, fallback: string): string {
  const value = env[variable];
  if (value === undefined || value === '') return fallback;
  const parsed = v.safeParse(UrlSchema, value);
  if (!parsed.success) throw new Error(`${variable}: ${parsed.issues[0].message}, got ${JSON.stringify(value)}`);
  return parsed.output;
}

/**
 * The provider's OAuth app from `<PROVIDER>_OAUTH_*`, or null when its client id or secret
 * is not set (the provider is then not offered). Its redirect URI is
 * `PUBLIC_BASE_URL/auth/<provider>/callback`, so `PUBLIC_BASE_URL` must be set too.
 */
export function codeFlowSettings(
  env: Bindings,
  provider: OAuthProviderName,
  defaults: { authorize: string; token: string },
  scopes: readonly string[],
): CodeFlowSettings | null {
  const prefix = provider.toUpperCase() as Uppercase<OAuthProviderName>;
  const clientId = env[`${prefix}_OAUTH_CLIENT_ID`];
  const clientSecret = env[`${prefix}_OAUTH_CLIENT_SECRET`];
  if (!clientId || !clientSecret) return null;
  if (!env.PUBLIC_BASE_URL) throw new Error(`PUBLIC_BASE_URL: required for ${provider} sign-in (its redirect URI is built from it)`);
  const base = endpoint(env, 'PUBLIC_BASE_URL', '').replace(/\/+$/, '');
  return {
    provider,
    clientId,
    clientSecret,
    redirectUri: `${base}/auth/${provider}/callback`,
    authorizeUrl: endpoint(env, `${prefix}_OAUTH_AUTHORIZE_URL`, defaults.authorize),
    tokenUrl: endpoint(env, `${prefix}_OAUTH_TOKEN_URL`, defaults.token),
    scopes,
  };
}
