import * as v from 'valibot';

/** The sign-in providers, by the name their routes use (`/auth/<name>`). */
export const OAUTH_PROVIDER_NAMES = ['discord', 'google', 'github'] as const;
export const OAuthProviderNameSchema = v.picklist(OAUTH_PROVIDER_NAMES);
export type OAuthProviderName = v.InferOutput<typeof OAuthProviderNameSchema>;

/** A Discord server the user belongs to, and whether they may add a bot to it (owner, Administrator or Manage Server). */
export const DiscordGuildSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^\d{1,20}$/)),
  name: v.pipe(v.string(), v.maxLength(100)),
  manageable: v.boolean(),
});
export type DiscordGuild = v.InferOutput<typeof DiscordGuildSchema>;

/**
 * Who signed in, as the provider vouches for it. `subject` is the provider's stable
 * user id; `email` is lower-cased (accounts link on it) and may only link accounts when
 * `email_verified` is true. `guilds` comes from Discord alone (its `guilds` scope).
 */
export const ExternalIdentitySchema = v.object({
  provider: OAuthProviderNameSchema,
  subject: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  email: v.nullable(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(320), v.email())),
  email_verified: v.boolean(),
  display_name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  avatar_url: v.nullable(v.pipe(v.string(), v.url(), v.maxLength(2048))),
  guilds: v.optional(v.array(DiscordGuildSchema)),
});
export type ExternalIdentity = v.InferOutput<typeof ExternalIdentitySchema>;
