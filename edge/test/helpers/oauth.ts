import { env } from 'cloudflare:workers';
import type { ExternalIdentity, OAuthProviderName } from '../../src/auth/oauth/index.ts';
import { snowflake } from './admin.ts';
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

/** A user of each provider, registered there, and the identity their sign-in must yield. */
export interface Person {
  login: string;
  expected: ExternalIdentity;
}

type Registrar = (email: string, verified: boolean) => Promise<Person>;

export const register: Record<OAuthProviderName, Registrar> = {
  async discord(email, verified) {
    const id = snowflake();
    const [owned, managed, played] = [snowflake(), snowflake(), snowflake()];
    const login = `d-${id}`;
    await discordAccount(login, {
      user: { id, username: 'grimjaw_fan', global_name: 'Grimjaw Fan', avatar: 'a1b2c3', email, verified },
      guilds: [
        { id: owned, name: 'My Table', owner: true, permissions: '0' },
        { id: managed, name: 'Friends', permissions: String(0x20) },
        { id: played, name: 'Big Server', permissions: String(0x400) },
      ],
    });
    return {
      login,
      expected: {
        provider: 'discord',
        subject: id,
        email: email.toLowerCase(),
        email_verified: verified,
        display_name: 'Grimjaw Fan',
        avatar_url: `https://cdn.discordapp.com/avatars/${id}/a1b2c3.png`,
        guilds: [
          { id: owned, name: 'My Table', manageable: true },
          { id: managed, name: 'Friends', manageable: true },
          { id: played, name: 'Big Server', manageable: false },
        ],
      },
    };
  },
  async google(email, verified) {
    const sub = String(100_000_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12)));
    await googleAccount({ login: email, claims: { sub, email, email_verified: verified, name: 'Elara Moon', picture: 'https://lh3.googleusercontent.com/a/elara' } });
    return {
      login: email,
      expected: { provider: 'google', subject: sub, email: email.toLowerCase(), email_verified: verified, display_name: 'Elara Moon', avatar_url: 'https://lh3.googleusercontent.com/a/elara' },
    };
  },
  async github(email, verified) {
    const id = Math.floor(Math.random() * 1e8) + 1;
    const login = `octo-${id}`;
    await githubAccount(login, {
      user: { id, login, name: null, avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4` },
      emails: [
        { email: `noreply-${id}@users.noreply.github.com`, primary: false, verified: true },
        { email, primary: true, verified },
      ],
    });
    return {
      login,
      expected: { provider: 'github', subject: String(id), email: email.toLowerCase(), email_verified: verified, display_name: login, avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4` },
    };
  },
};
