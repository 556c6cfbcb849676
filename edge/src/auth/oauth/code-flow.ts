import { ArcticFetchError, CodeChallengeMethod, OAuth2Client, OAuth2RequestError, UnexpectedErrorResponseBodyError, UnexpectedResponseError } from 'arctic';
import * as v from 'valibot';
import type { OAuthProviderName } from './identity.ts';
import { OAuthError } from './oauth-error.ts';

/** One provider's OAuth app and endpoints, as configured (see `settings.ts`). */
export interface CodeFlowSettings {
  provider: OAuthProviderName;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authorizeUrl: string;
  tokenUrl: string;
  scopes: readonly string[];
}

/** A token endpoint's answer: tokens, or (GitHub answers errors with a 200) an OAuth error. */
const TokenAnswerSchema = v.union([
  v.object({ error: v.string(), error_description: v.optional(v.nullable(v.string())) }),
  v.object({
    access_token: v.pipe(v.string(), v.minLength(1)),
    token_type: v.pipe(v.string(), v.toLowerCase(), v.literal('bearer')),
    id_token: v.optional(v.string()),
    scope: v.optional(v.string()),
  }),
]);
export type Tokens = Extract<v.InferOutput<typeof TokenAnswerSchema>, { access_token: string }>;

/**
 * The authorization-code flow with state and PKCE (S256), over arctic's generic client
 * so every endpoint is configuration. Client authentication is HTTP Basic, which all
 * three providers accept. Every failure becomes an `OAuthError`.
 */
export class CodeFlow {
  private readonly client: OAuth2Client;
  readonly settings: CodeFlowSettings;

  constructor(settings: CodeFlowSettings) {
    this.settings = settings;
    this.client = new OAuth2Client(settings.clientId, settings.clientSecret, settings.redirectUri);
  }

  authorizationUrl(state: string, codeVerifier: string): URL {
    const { authorizeUrl, scopes } = this.settings;
    return this.client.createAuthorizationURLWithPKCE(authorizeUrl, state, CodeChallengeMethod.S256, codeVerifier, [...scopes]);
  }

  /** Trades the callback's code (and this sign-in's verifier) for tokens. */
  async exchange(code: string, codeVerifier: string): Promise<Tokens> {
    const { provider, tokenUrl } = this.settings;
    let data: unknown;
    try {
      data = (await this.client.validateAuthorizationCode(tokenUrl, code, codeVerifier)).data;
    } catch (error) {
      throw tokenError(provider, error);
    }
    const answer = v.safeParse(TokenAnswerSchema, data);
    if (!answer.success) throw new OAuthError(provider, 'provider_invalid_response', 'its token endpoint answered without an access token');
    if ('error' in answer.output) throw refused(provider, answer.output.error, answer.output.error_description);
    return answer.output;
  }
}

function refused(provider: OAuthProviderName, code: string, description?: string | null): OAuthError {
  return new OAuthError(provider, 'code_refused', `the sign-in code was refused (${code}${description ? `: ${description.slice(0, 200)}` : ''}); please sign in again`);
}

function tokenError(provider: OAuthProviderName, error: unknown): unknown {
  if (error instanceof OAuth2RequestError) return refused(provider, error.code, error.description);
  if (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) {
    const { status } = error;
    // A 400/401 whose body is not an OAuth error document is a refusal all the same.
    if (status === 400 || status === 401) return refused(provider, `HTTP ${status}`);
    if (status >= 200 && status < 300) return new OAuthError(provider, 'provider_invalid_response', 'its token endpoint answered with something other than a token document');
    return new OAuthError(provider, 'provider_unavailable', `its token endpoint answered ${status}`);
  }
  if (error instanceof ArcticFetchError) return new OAuthError(provider, 'provider_unavailable', 'its token endpoint could not be reached');
  return error;
}
