import * as v from 'valibot';
import { secretsEqual } from '../constant-time.ts';
import type { OAuthProviderName } from './identity.ts';
import { OAuthError } from './oauth-error.ts';

const CallbackSchema = v.union([
  v.object({ error: v.pipe(v.string(), v.maxLength(200)), error_description: v.optional(v.pipe(v.string(), v.maxLength(500))) }),
  v.object({ code: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)), state: v.pipe(v.string(), v.minLength(1), v.maxLength(512)) }),
]);

/**
 * The authorization code from the provider's redirect to `/auth/<provider>/callback`, once
 * its `state` is the one this browser's sign-in started with (kept in a cookie by the route):
 * a callback forged or replayed into another browser is refused. A user who cancelled at
 * the provider comes back with `error` instead.
 */
export async function callbackCode(provider: OAuthProviderName, callback: URL, expectedState: string | null | undefined): Promise<string> {
  const parsed = v.safeParse(CallbackSchema, Object.fromEntries(callback.searchParams));
  if (!parsed.success) throw new OAuthError(provider, 'invalid_callback', 'the callback carries neither a code and state nor an error');
  const answer = parsed.output;
  if ('error' in answer) {
    if (answer.error === 'access_denied') throw new OAuthError(provider, 'access_denied', 'access was not granted');
    throw new OAuthError(provider, 'access_denied', `the provider refused (${answer.error})`);
  }
  if (!expectedState || !(await secretsEqual(answer.state, expectedState))) {
    throw new OAuthError(provider, 'invalid_callback', 'this sign-in was not started in this browser (state mismatch); please sign in again');
  }
  return answer.code;
}
