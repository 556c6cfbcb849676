import * as v from 'valibot';
import { DEFAULT_DISCORD_API_BASE } from '../../discord/rest.ts';
import type { Bindings } from '../../env.ts';
import { CodeFlow } from './code-flow.ts';
import type { DiscordGuild } from './identity.ts';
import { displayName, identityOf, type OAuthProvider } from './provider.ts';
import { codeFlowSettings, endpoint } from './settings.ts';
import { getVendorJson } from './vendor-api.ts';

const DEFAULTS = { authorize: 'https://discord.com/oauth2/authorize', token: 'https://discord.com/api/oauth2/token' };
const SCOPES = ['identify', 'email', 'guilds'];
const CDN = 'https://cdn.discordapp.com';
/** Administrator and Manage Server: either lets a user add a bot to the server. */
const MANAGE_BITS = 0x8n | 0x20n;

const Snowflake = v.pipe(v.string(), v.regex(/^\d{1,20}$/));

/** `GET /users/@me`: `email` and `verified` come with the `email` scope. */
const UserSchema = v.object({
  id: Snowflake,
  username: v.string(),
  global_name: v.optional(v.nullable(v.string())),
  avatar: v.optional(v.nullable(v.string())),
  email: v.optional(v.nullable(v.string())),
  verified: v.optional(v.boolean()),
});

/** `GET /users/@me/guilds` (partial guilds; `permissions` is a bit set as a decimal string). */
const GuildsSchema = v.array(
  v.object({ id: Snowflake, name: v.string(), owner: v.optional(v.boolean()), permissions: v.optional(v.pipe(v.string(), v.regex(/^\d+$/))) }),
);

/** Discord sign-in: the user from `/users/@me`, their servers from `/users/@me/guilds`. */
export function discordProvider(env: Bindings): OAuthProvider | null {
  const settings = codeFlowSettings(env, 'discord', DEFAULTS, SCOPES);
  if (!settings) return null;
  const flow = new CodeFlow(settings);
  const api = endpoint(env, 'DISCORD_API_BASE', DEFAULT_DISCORD_API_BASE);
  return {
    authorizationUrl: (state, codeVerifier) => flow.authorizationUrl(state, codeVerifier),
    async identify(code, codeVerifier) {
      const { access_token } = await flow.exchange(code, codeVerifier);
      const [user, guilds] = await Promise.all([
        getVendorJson('discord', api, '/users/@me', access_token, UserSchema),
        getVendorJson('discord', api, '/users/@me/guilds', access_token, GuildsSchema),
      ]);
      return identityOf({
        provider: 'discord',
        subject: user.id,
        email: user.email ?? null,
        email_verified: !!user.email && user.verified === true,
        display_name: displayName(user.global_name, user.username),
        avatar_url: user.avatar ? `${CDN}/avatars/${user.id}/${user.avatar}.png` : null,
        guilds: guilds.map((g): DiscordGuild => ({ id: g.id, name: g.name.slice(0, 100), manageable: g.owner === true || (BigInt(g.permissions ?? '0') & MANAGE_BITS) !== 0n })),
      });
    },
  };
}
