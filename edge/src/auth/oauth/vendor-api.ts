import * as v from 'valibot';
import { issuePath } from '@glyphoxa/protocol';
import type { OAuthProviderName } from './identity.ts';
import { OAuthError } from './oauth-error.ts';

/** A user API call waits at most this long: a sign-in must not hang on a slow vendor. */
const VENDOR_TIMEOUT_MS = 10_000;

/**
 * GETs `path` below `base` with the user's access token and validates the answer with
 * `schema`; an error status, a timeout or a body that does not fit is an `OAuthError`.
 */
export async function getVendorJson<S extends v.GenericSchema>(
  provider: OAuthProviderName,
  base: string,
  path: string,
  accessToken: string,
  schema: S,
  headers: Record<string, string> = {},
): Promise<v.InferOutput<S>> {
  const url = `${base.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', authorization: `Bearer ${accessToken}`, ...headers },
      signal: AbortSignal.timeout(VENDOR_TIMEOUT_MS),
    });
  } catch {
    throw new OAuthError(provider, 'provider_unavailable', `${path} could not be reached`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new OAuthError(provider, 'provider_unavailable', `${path} answered ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new OAuthError(provider, 'provider_invalid_response', `${path} did not answer JSON`);
  }
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) {
    const field = issuePath(parsed.issues[0]);
    throw new OAuthError(provider, 'provider_invalid_response', `${path} answered an unexpected document${field ? ` (${field})` : ''}`);
  }
  return parsed.output;
}
