import type { ComponentType } from 'react';
import { DiscordMark, GitHubMark, GoogleMark } from './provider-marks.tsx';

/** The OAuth providers the edge signs in with; each starts at `/auth/<id>`. */
export const OAUTH_PROVIDERS: ReadonlyArray<{ id: 'discord' | 'google' | 'github'; label: string; Mark: ComponentType }> = [
  { id: 'discord', label: 'Discord', Mark: DiscordMark },
  { id: 'google', label: 'Google', Mark: GoogleMark },
  { id: 'github', label: 'GitHub', Mark: GitHubMark },
];

/** Where a provider button sends the browser; the edge comes back to `redirect` once signed in. */
export function oauthStartUrl(provider: string, redirect: string | undefined): string {
  return redirect ? `/auth/${provider}?${new URLSearchParams({ redirect })}` : `/auth/${provider}`;
}
