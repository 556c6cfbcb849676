/**
 * The part of an OAuth 2.0 authorization server the Discord and GitHub stand-ins share
 * (in the test runner's Node process, reached through miniflare's outbound service): the
 * accounts users sign in as, the authorize step (as if the signed-in user clicked
 * "Authorize"), codes bound to client, redirect URI and PKCE challenge, used once, and the
 * access tokens they trade for. Each vendor module answers in its own wire format.
 *
 * Which account the browser is signed in as at the provider is the authorize request's
 * `login_hint` (a real OpenID parameter; the vendor module registers accounts).
 */
import { createHash, randomBytes } from 'node:crypto';

export interface OAuthClient {
  id: string;
  secret: string;
}

interface Grant {
  login: string;
  redirectUri: string;
  challenge: string | null;
  scope: string;
  expiresAt: number;
}

/** Why a token request was refused, in OAuth's terms; the vendor module words it. */
export type Refusal = 'invalid_client' | 'invalid_grant' | 'redirect_uri_mismatch' | 'unsupported_grant_type';

const CODE_LIFETIME_MS = 10 * 60_000;

export class AuthorizationServer<Account> {
  readonly accounts = new Map<string, Account>();
  private readonly grants = new Map<string, Grant>();
  private readonly tokens = new Map<string, { login: string; scope: string }>();

  readonly client: OAuthClient;
  private readonly tokenPrefix: string;

  constructor(client: OAuthClient, tokenPrefix: string) {
    this.client = client;
    this.tokenPrefix = tokenPrefix;
  }

  /** `GET authorize`: back to the client's redirect URI with a code and the state, or a 400 page. */
  authorize(query: URLSearchParams): Response {
    const redirectUri = query.get('redirect_uri');
    const login = query.get('login_hint') ?? '';
    const method = query.get('code_challenge_method');
    if (query.get('client_id') !== this.client.id || !redirectUri) return page(400, 'Unknown application or missing redirect_uri');
    if (query.get('response_type') !== 'code') return page(400, 'response_type must be code');
    if (query.get('code_challenge') && method !== 'S256') return page(400, 'Only the S256 code_challenge_method is supported');
    if (!this.accounts.has(login)) return page(400, `No account ${login} is signed in`);
    const code = randomBytes(15).toString('hex');
    this.grants.set(code, { login, redirectUri, challenge: query.get('code_challenge'), scope: query.get('scope') ?? '', expiresAt: Date.now() + CODE_LIFETIME_MS });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = query.get('state');
    if (state) back.searchParams.set('state', state);
    return new Response(null, { status: 302, headers: { location: back.href } });
  }

  /** `POST token` (form-encoded; client credentials by HTTP Basic or in the form): an access token or a refusal. */
  async exchange(request: Request): Promise<{ token: string; scope: string } | { refused: Refusal }> {
    const form = new URLSearchParams(await request.text());
    const basic = /^Basic (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [form.get('client_id'), form.get('client_secret')];
    if (id !== this.client.id || secret !== this.client.secret) return { refused: 'invalid_client' };
    if (form.get('grant_type') !== 'authorization_code') return { refused: 'unsupported_grant_type' };
    const code = form.get('code') ?? '';
    const grant = this.grants.get(code);
    this.grants.delete(code);
    if (!grant || grant.expiresAt < Date.now()) return { refused: 'invalid_grant' };
    if (form.get('redirect_uri') !== grant.redirectUri) return { refused: 'redirect_uri_mismatch' };
    if (grant.challenge !== null && s256(form.get('code_verifier') ?? '') !== grant.challenge) return { refused: 'invalid_grant' };
    const token = `${this.tokenPrefix}${randomBytes(18).toString('hex')}`;
    this.tokens.set(token, { login: grant.login, scope: grant.scope });
    return { token, scope: grant.scope };
  }

  /** The account a `Bearer` token was issued for, and the scopes it carries; null for an unknown token. */
  holder(request: Request): { account: Account; scopes: string[] } | null {
    const token = /^Bearer (\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    const account = issued && this.accounts.get(issued.login);
    return account ? { account, scopes: issued.scope.split(/[ ,]+/) } : null;
  }
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

const page = (status: number, text: string) => new Response(text, { status, headers: { 'content-type': 'text/plain' } });
