/**
 * Discord's OAuth2 and user API for the stand-in at `discord.test` (discord-stand-in.ts
 * hands these paths here): `GET /oauth2/authorize`, `POST /api/v10/oauth2/token`
 * (form-encoded, client by HTTP Basic or form fields, errors as `{error, error_description}`
 * with 400/401), `GET /api/v10/users/@me` (`email`/`verified` only with the `email` scope)
 * and `GET /api/v10/users/@me/guilds` (`guilds` scope), 401 `{message, code: 0}` otherwise.
 *
 *   PUT /__stand-in/oauth/accounts/:login   {user, guilds?, answers?} an account to sign in as;
 *                                           `answers` replaces an API path's reply (vendor garbage)
 */
import { AuthorizationServer, type Refusal } from './authorization-server.ts';

export const DISCORD_OAUTH_CLIENT = { id: '1234567890123456789', secret: 'discord-client-secret-test' };

export interface DiscordAccount {
  user: { id: string; username: string; global_name?: string | null; avatar?: string | null; email?: string | null; verified?: boolean };
  guilds?: Array<{ id: string; name: string; owner?: boolean; permissions?: string }>;
  /** Replies that replace the real ones, by API path (`/users/@me`). */
  answers?: Record<string, { status: number; body: string }>;
}

const server = new AuthorizationServer<DiscordAccount>(DISCORD_OAUTH_CLIENT, '');

const DESCRIPTIONS: Record<Refusal, [number, string]> = {
  invalid_client: [401, 'Unknown client'],
  invalid_grant: [400, 'Invalid "code" in request.'],
  redirect_uri_mismatch: [400, 'Invalid "redirect_uri" in request.'],
  unsupported_grant_type: [400, 'Unsupported grant type'],
};

/** The paths this module answers, below the host. */
export const isDiscordOAuthPath = (path: string) => /^\/(oauth2\/authorize|api\/v10\/oauth2\/token|api\/v10\/users\/@me(\/guilds)?|__stand-in\/oauth\/.*)$/.test(path);

export async function discordOAuth(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  const account = /^\/__stand-in\/oauth\/accounts\/([^/]+)$/.exec(path);
  if (account && request.method === 'PUT') {
    server.accounts.set(decodeURIComponent(account[1]!), (await request.json()) as DiscordAccount);
    return new Response(null, { status: 204 });
  }
  if (path === '/oauth2/authorize' && request.method === 'GET') return server.authorize(url.searchParams);
  if (path === '/api/v10/oauth2/token' && request.method === 'POST') {
    const outcome = await server.exchange(request);
    if ('refused' in outcome) {
      const [status, description] = DESCRIPTIONS[outcome.refused];
      return Response.json({ error: outcome.refused, error_description: description }, { status });
    }
    return Response.json({ token_type: 'Bearer', access_token: outcome.token, expires_in: 604800, refresh_token: `r-${outcome.token}`, scope: outcome.scope });
  }
  const holder = server.holder(request);
  if (!holder) return Response.json({ message: '401: Unauthorized', code: 0 }, { status: 401 });
  const apiPath = path.slice('/api/v10'.length);
  const replaced = holder.account.answers?.[apiPath];
  if (replaced) return new Response(replaced.body, { status: replaced.status, headers: { 'content-type': 'application/json' } });
  if (apiPath === '/users/@me') return Response.json(userObject(holder.account, holder.scopes));
  if (!holder.scopes.includes('guilds')) return Response.json({ message: 'Missing Access', code: 50001 }, { status: 403 });
  return Response.json((holder.account.guilds ?? []).map((g) => ({ icon: null, banner: null, features: [], owner: false, permissions: '0', ...g })));
}

/** A user object as Discord sends it: the email fields only with the `email` scope. */
function userObject({ user }: DiscordAccount, scopes: string[]) {
  const { email, verified, ...rest } = user;
  const base = { discriminator: '0', global_name: null, avatar: null, public_flags: 0, flags: 0, banner: null, accent_color: null, locale: 'en-US', mfa_enabled: false, premium_type: 0, ...rest };
  return scopes.includes('email') ? { ...base, email: email ?? null, verified: verified ?? false } : base;
}
