/**
 * OAuth sign-in providers. A route starts a sign-in with `generateState()` and
 * `generateCodeVerifier()` (kept in short-lived cookies), redirects to
 * `provider.authorizationUrl(state, verifier)`, and on `/auth/<provider>/callback` reads the
 * code with `callbackCode(...)` and trades it with `provider.identify(code, verifier)`.
 * Failures are `OAuthError`s (an `ApiError`), never crashes.
 */
import type { Bindings } from '../../env.ts';
import { discordProvider } from './discord.ts';
import { githubProvider } from './github.ts';
import { googleProvider } from './google.ts';
import type { OAuthProviderName } from './identity.ts';
import type { OAuthProvider } from './provider.ts';

export { generateCodeVerifier, generateState } from 'arctic';
export { callbackCode } from './callback.ts';
export * from './identity.ts';
export { OAuthError, type OAuthErrorKind } from './oauth-error.ts';
export type { OAuthProvider } from './provider.ts';

const FACTORIES: Record<OAuthProviderName, (env: Bindings) => OAuthProvider | null> = {
  discord: discordProvider,
  google: googleProvider,
  github: githubProvider,
};

/** The providers this deployment offers: those whose client id and secret are set. */
export function oauthProviders(env: Bindings): Partial<Record<OAuthProviderName, OAuthProvider>> {
  const configured: Partial<Record<OAuthProviderName, OAuthProvider>> = {};
  for (const [name, factory] of Object.entries(FACTORIES) as Array<[OAuthProviderName, (typeof FACTORIES)[OAuthProviderName]]>) {
    const provider = factory(env);
    if (provider) configured[name] = provider;
  }
  return configured;
}
