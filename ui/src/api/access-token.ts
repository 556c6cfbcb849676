import { errorFrom } from './errors.ts';

/**
 * The access token lives in this module's memory only (never storage, so a script
 * injected into the page cannot read it back later); the refresh token is an HttpOnly
 * cookie the edge sets. A token is renewed through the cookie a minute before it
 * expires, and every request that finds it expired waits for the one renewal in flight.
 */

const REFRESH_AHEAD_MS = 60_000;
/** The double-submit CSRF cookie the edge sets beside the refresh cookie. */
const CSRF_COOKIE = 'gx_csrf';

interface Held {
  token: string;
  expiresAt: number;
}

let held: Held | null = null;
let renewal: Promise<string | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 5 * 60_000;
  } catch {
    return Date.now() + 5 * 60_000;
  }
}

function csrfToken(): string {
  const match = document.cookie.match(new RegExp(`(?:^|; )${CSRF_COOKIE}=([^;]*)`));
  return match ? decodeURIComponent(match[1]!) : '';
}

/** Holds a token the edge just issued (sign-in, refresh) and schedules its renewal. */
export function setAccessToken(token: string | null): void {
  clearTimeout(timer);
  held = token ? { token, expiresAt: expiryOf(token) } : null;
  if (held) timer = setTimeout(() => void renewAccessToken(), Math.max(0, held.expiresAt - Date.now() - REFRESH_AHEAD_MS));
}

/**
 * The tabs of one browser share the refresh cookie: one renewal at a time across them, so no tab
 * presents a refresh token another tab has just rotated (reuse detection would sign every tab out).
 */
const oneTabAtATime = <T>(renew: () => Promise<T>): Promise<T> => ('locks' in navigator ? (navigator.locks.request('glyphoxa-token-renewal', renew) as Promise<Awaited<T>> as Promise<T>) : renew());

/** Asks the edge for a new token through the refresh cookie; null when there is no valid sign-in. */
export function renewAccessToken(): Promise<string | null> {
  renewal ??= oneTabAtATime(async () => {
    // The edge sets the CSRF cookie with the refresh cookie and clears both together: without it there is no sign-in to renew.
    if (!csrfToken()) {
      setAccessToken(null);
      return null;
    }
    try {
      const res = await fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken() } });
      const body = res.ok ? ((await res.json()) as { access_token?: unknown }) : null;
      const token = typeof body?.access_token === 'string' ? body.access_token : null;
      setAccessToken(token);
      return token;
    } catch {
      // Offline: keep what we hold; the next request retries.
      return held?.token ?? null;
    } finally {
      renewal = null;
    }
  });
  return renewal;
}

/** A token good for at least the next few seconds, renewing it first when needed. */
export async function currentAccessToken(): Promise<string | null> {
  if (held && held.expiresAt - Date.now() > 5_000) return held.token;
  return renewAccessToken();
}

/** Ends the web session at the edge (its refresh token revoked, its cookies cleared) and forgets the token held here. */
export async function signOut(): Promise<void> {
  const res = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken() } });
  if (!res.ok) throw await errorFrom(res);
  setAccessToken(null);
}
