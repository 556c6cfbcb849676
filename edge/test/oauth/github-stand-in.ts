/**
 * GitHub's OAuth app flow and REST API for the edge tests, reached through miniflare's
 * outbound service: `github.test` serves `GET /login/oauth/authorize` and
 * `POST /login/oauth/access_token` (form-encoded; JSON when asked with `Accept`; errors
 * come back with a 200 and an `error` field, as GitHub does), `api.github.test` serves
 * `GET /user` and `GET /user/emails` (`user:email` scope), which refuse requests without a
 * User-Agent (403) or a valid token (401 "Bad credentials").
 *
 *   PUT http://github.test/__stand-in/accounts/:login   {user, emails, answers?} an account to sign in as
 */
import { AuthorizationServer, type Refusal } from './authorization-server.ts';

export const GITHUB_HOST = 'github.test';
export const GITHUB_API_HOST = 'api.github.test';
export const GITHUB_OAUTH_CLIENT = { id: 'Iv1.stand-in-client', secret: 'github-client-secret-test' };

export interface GitHubAccount {
  user: { id: number; login: string; name?: string | null; avatar_url?: string; email?: string | null };
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
  /** Replies that replace the real ones, by API path (`/user`). */
  answers?: Record<string, { status: number; body: string }>;
}

const server = new AuthorizationServer<GitHubAccount>(GITHUB_OAUTH_CLIENT, 'gho_');

const ERRORS: Record<Refusal, string> = {
  invalid_client: 'incorrect_client_credentials',
  invalid_grant: 'bad_verification_code',
  redirect_uri_mismatch: 'redirect_uri_mismatch',
  unsupported_grant_type: 'unsupported_grant_type',
};

export async function githubStandIn(request: Request): Promise<Response> {
  const url = new URL(request.url);
  return url.hostname === GITHUB_API_HOST ? api(request, url.pathname) : site(request, url);
}

async function site(request: Request, url: URL): Promise<Response> {
  const account = /^\/__stand-in\/accounts\/([^/]+)$/.exec(url.pathname);
  if (account && request.method === 'PUT') {
    server.accounts.set(decodeURIComponent(account[1]!), (await request.json()) as GitHubAccount);
    return new Response(null, { status: 204 });
  }
  if (url.pathname === '/login/oauth/authorize' && request.method === 'GET') return server.authorize(url.searchParams);
  if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
    const outcome = await server.exchange(request);
    const body: Record<string, string> =
      'refused' in outcome
        ? { error: ERRORS[outcome.refused], error_description: `The request was refused: ${ERRORS[outcome.refused]}.`, error_uri: 'https://docs.github.com/apps/oauth-apps' }
        : { access_token: outcome.token, token_type: 'bearer', scope: outcome.scope.split(' ').join(',') };
    if (request.headers.get('accept')?.includes('application/json')) return Response.json(body);
    return new Response(new URLSearchParams(body).toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
  }
  return new Response('Not Found', { status: 404 });
}

function api(request: Request, path: string): Response {
  if (!request.headers.get('user-agent')) return Response.json({ message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.' }, { status: 403 });
  const holder = server.holder(request);
  if (!holder) return Response.json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, { status: 401 });
  const replaced = holder.account.answers?.[path];
  if (replaced) return new Response(replaced.body, { status: replaced.status, headers: { 'content-type': 'application/json' } });
  const { user, emails } = holder.account;
  if (path === '/user') return Response.json({ node_id: `U_${user.id}`, type: 'User', site_admin: false, name: null, email: null, avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`, ...user });
  if (path === '/user/emails') {
    if (!holder.scopes.includes('user:email')) return Response.json({ message: 'Not Found', status: '404' }, { status: 404 });
    return Response.json(emails.map((e) => ({ visibility: e.primary ? 'private' : null, ...e })));
  }
  return Response.json({ message: 'Not Found', status: '404' }, { status: 404 });
}
