import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../../errors.ts';
import type { OAuthProviderName } from './identity.ts';

/** What went wrong in a sign-in, and so what the user is told. */
const KINDS = {
  /** The user cancelled at the provider, or it refused to ask them. */
  access_denied: 403,
  /** The callback does not belong to the sign-in this browser started (state), or lacks its code. */
  invalid_callback: 400,
  /** The provider refused the code: wrong, used, expired, or not this sign-in's PKCE verifier. */
  code_refused: 400,
  /** The provider's ID token failed verification (signature, issuer, audience, expiry). */
  invalid_id_token: 401,
  /** The provider answered, but not with what its API promises. */
  provider_invalid_response: 502,
  /** The provider answered with an error status, or could not be reached. */
  provider_unavailable: 502,
} as const satisfies Record<string, ContentfulStatusCode>;

export type OAuthErrorKind = keyof typeof KINDS;

const LABELS: Record<OAuthProviderName, string> = { discord: 'Discord', google: 'Google', github: 'GitHub' };

/**
 * A failed sign-in: an `ApiError` (so routes let it through to `onError`) whose code is
 * `oauth_<kind>`. Messages name the provider and what it said, never a token or a secret.
 */
export class OAuthError extends ApiError {
  readonly provider: OAuthProviderName;
  readonly kind: OAuthErrorKind;

  constructor(provider: OAuthProviderName, kind: OAuthErrorKind, detail: string) {
    super(KINDS[kind], `oauth_${kind}`, `Sign-in with ${LABELS[provider]} failed: ${detail}`);
    this.name = 'OAuthError';
    this.provider = provider;
    this.kind = kind;
  }
}

export const providerLabel = (provider: OAuthProviderName) => LABELS[provider];
