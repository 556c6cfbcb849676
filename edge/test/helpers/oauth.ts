import { env } from 'cloudflare:workers';
import { DISCORD_STAND_IN_HOST } from '../discord-stand-in.ts';
import type { DiscordAccount } from '../oauth/discord-oauth.ts';
import { GITHUB_HOST, type GitHubAccount } from '../oauth/github-stand-in.ts';
import type { GoogleAccount } from '../oauth/google-stand-in.ts';

/** Registers the account a user will sign in to Discord as. */
export async function discordAccount(login: string, account: DiscordAccount): Promise<void> {
  await put(`http://${DISCORD_STAND_IN_HOST}/__stand-in/oauth/accounts/${encodeURIComponent(login)}`, account);
}

export async function githubAccount(login: string, account: GitHubAccount): Promise<void> {
  await put(`http://${GITHUB_HOST}/__stand-in/accounts/${encodeURIComponent(login)}`, account);
}

export async function googleAccount(account: GoogleAccount): Promise<void> {
  await put(`${env.GOOGLE_OAUTH_ISSUER}/__stand-in/accounts`, account);
}

/**
 * The provider's authorize step, as the browser of a user signed in there as `login` does
 * it: GET the authorization URL, and answer where its redirect leads (our callback, with
 * the code and state). A refusal (no redirect) throws with the provider's page.
 */
export async function authorizeAs(authorizationUrl: URL, login: string): Promise<URL> {
  const url = new URL(authorizationUrl);
  url.searchParams.set('login_hint', login);
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorize refused: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
  return new URL(location);
}

async function put(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 204) throw new Error(`stand-in refused the account: ${res.status} ${await res.text()}`);
}
