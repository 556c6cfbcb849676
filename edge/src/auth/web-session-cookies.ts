import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import type { RefreshGrant } from '../operations/web-sessions.ts';
import { secretsEqual } from './constant-time.ts';
import { randomToken } from './random-token.ts';

/** The refresh token: script never reads it, and it goes only to `/auth/*` (refresh, logout). */
export const REFRESH_COOKIE = 'gx_refresh';
/** The double-submit CSRF token: the SPA reads it and echoes it as `X-CSRF-Token`, which another site cannot. */
export const CSRF_COOKIE = 'gx_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const REFRESH_PATH = '/auth';

/** Hands the browser its refresh token and a fresh CSRF token, both as long-lived as the refresh token. */
export function setWebSessionCookies(c: Context<AppEnv>, grant: RefreshGrant): void {
  const expires = grant.expiresAt;
  setCookie(c, REFRESH_COOKIE, grant.token, { httpOnly: true, secure: true, sameSite: 'Strict', path: REFRESH_PATH, expires });
  setCookie(c, CSRF_COOKIE, randomToken(32), { httpOnly: false, secure: true, sameSite: 'Strict', path: '/', expires });
}

export function clearWebSessionCookies(c: Context<AppEnv>): void {
  deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_PATH, secure: true, httpOnly: true, sameSite: 'Strict' });
  deleteCookie(c, CSRF_COOKIE, { path: '/', secure: true, sameSite: 'Strict' });
}

export const refreshCookie = (c: Context<AppEnv>): string | undefined => getCookie(c, REFRESH_COOKIE);

/**
 * Refresh and logout act on a cookie the browser sends by itself: they go on only when
 * `X-CSRF-Token` repeats the CSRF cookie, which only our own pages can read.
 */
export const requireCsrf = createMiddleware<AppEnv>(async (c, next) => {
  const cookie = getCookie(c, CSRF_COOKIE);
  const header = c.req.header(CSRF_HEADER);
  if (!cookie || !header || !(await secretsEqual(cookie, header))) {
    throw new ApiError(403, 'csrf_mismatch', `The ${CSRF_HEADER} header must repeat the ${CSRF_COOKIE} cookie`);
  }
  await next();
});
