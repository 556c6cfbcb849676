import * as v from 'valibot';
import type { Bindings } from '../../env.ts';
import { CodeFlow } from './code-flow.ts';
import { displayName, identityOf, type OAuthProvider } from './provider.ts';
import { codeFlowSettings, endpoint } from './settings.ts';
import { getVendorJson } from './vendor-api.ts';

const DEFAULTS = { authorize: 'https://github.com/login/oauth/authorize', token: 'https://github.com/login/oauth/access_token' };
const DEFAULT_API_BASE = 'https://api.github.com';
const SCOPES = ['read:user', 'user:email'];
/** GitHub's REST API refuses requests without a User-Agent, and versions by header. */
const API_HEADERS = { accept: 'application/vnd.github+json', 'user-agent': 'glyphoxa-edge', 'x-github-api-version': '2022-11-28' };

const UserSchema = v.object({
  id: v.pipe(v.number(), v.integer(), v.minValue(1)),
  login: v.string(),
  name: v.optional(v.nullable(v.string())),
  avatar_url: v.optional(v.nullable(v.string())),
});

/** `GET /user/emails` (the `user:email` scope): the profile's `email` is only the public one, if any. */
const EmailsSchema = v.array(v.object({ email: v.string(), primary: v.boolean(), verified: v.boolean() }));

/** GitHub sign-in: the user from `/user`, the primary email and whether GitHub verified it from `/user/emails`. */
export function githubProvider(env: Bindings): OAuthProvider | null {
  const settings = codeFlowSettings(env, 'github', DEFAULTS, SCOPES);
  if (!settings) return null;
  const flow = new CodeFlow(settings);
  const api = endpoint(env, 'GITHUB_API_BASE', DEFAULT_API_BASE);
  return {
    authorizationUrl: (state, codeVerifier) => flow.authorizationUrl(state, codeVerifier),
    async identify(code, codeVerifier) {
      const { access_token } = await flow.exchange(code, codeVerifier);
      const [user, emails] = await Promise.all([
        getVendorJson('github', api, '/user', access_token, UserSchema, API_HEADERS),
        getVendorJson('github', api, '/user/emails', access_token, EmailsSchema, API_HEADERS),
      ]);
      const primary = emails.find((e) => e.primary);
      return identityOf({
        provider: 'github',
        subject: String(user.id),
        email: primary?.email ?? null,
        email_verified: primary?.verified ?? false,
        display_name: displayName(user.name, user.login),
        avatar_url: user.avatar_url || null,
      });
    },
  };
}
