/**
 * Google's OpenID Connect side for the edge tests: oauth2-mock-server (a real OIDC server,
 * RS256 keys, discovery, JWKS, authorization code with PKCE), on 127.0.0.1, started by
 * vitest.config.ts. Our hooks only say who signs in: the authorize request's `login_hint`
 * names an account registered here, whose claims go into the ID token. Its client is
 * checked as Google checks it (HTTP Basic), and an account can ask for a broken ID token.
 *
 *   PUT <issuer>/__stand-in/accounts   {login, claims, id_token?} where id_token is
 *                                      'tampered' (payload changed after signing) or
 *                                      'other-audience' (issued to another client)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Events, OAuth2Server } from 'oauth2-mock-server';

export const GOOGLE_OAUTH_CLIENT = { id: 'stand-in.apps.googleusercontent.com', secret: 'google-client-secret-test' };

export interface GoogleAccount {
  login: string;
  claims: { sub: string; email?: string; email_verified?: boolean | string; name?: string; picture?: string };
  id_token?: 'tampered' | 'other-audience';
}

export interface GoogleStandIn {
  issuer: string;
  close(): Promise<void>;
}

interface TokenRequest extends IncomingMessage {
  body: Record<string, string | undefined>;
}

export async function startGoogleStandIn(): Promise<GoogleStandIn> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  const accounts = new Map<string, GoogleAccount>();
  const loginOfCode = new Map<string, string>();
  const accountOf = (req: TokenRequest) => accounts.get(loginOfCode.get(req.body.code ?? '') ?? '');

  server.service.addRoute('PUT', '/__stand-in/accounts', (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const account = req.body as GoogleAccount;
    accounts.set(account.login, account);
    res.statusCode = 204;
    res.end();
  });
  server.service.on(Events.BeforeAuthorizeRedirect, ({ url }: { url: URL }, req: IncomingMessage & { query: Record<string, unknown> }) => {
    const code = url.searchParams.get('code');
    if (code && typeof req.query.login_hint === 'string') loginOfCode.set(code, req.query.login_hint);
  });
  server.service.on(Events.BeforeTokenSigning, (token: { payload: Record<string, unknown> }, req: TokenRequest) => {
    const account = accountOf(req);
    if (!account) return;
    Object.assign(token.payload, account.claims);
    // Only the ID token has the client as its audience.
    if (account.id_token === 'other-audience' && token.payload.aud === GOOGLE_OAUTH_CLIENT.id) token.payload.aud = 'another-app.apps.googleusercontent.com';
  });
  server.service.on(Events.BeforeResponse, (response: { body: Record<string, unknown>; statusCode: number }, req: TokenRequest) => {
    const account = accountOf(req);
    loginOfCode.delete(req.body.code ?? '');
    if (req.headers.authorization !== `Basic ${Buffer.from(`${GOOGLE_OAUTH_CLIENT.id}:${GOOGLE_OAUTH_CLIENT.secret}`).toString('base64')}`) {
      response.statusCode = 401;
      response.body = { error: 'invalid_client', error_description: 'The OAuth client was not found.' };
    } else if (account?.id_token === 'tampered' && typeof response.body.id_token === 'string') {
      const [header, payload, signature] = response.body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, email: 'admin@glyphoxa.test', email_verified: true })).toString('base64url');
      response.body.id_token = `${header}.${forged}.${signature}`;
    }
  });

  await server.start(0, '127.0.0.1');
  return { issuer: server.issuer.url!, close: () => server.stop() };
}
