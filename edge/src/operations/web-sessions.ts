import { getAccount, insertRefreshToken, revokeRefreshFamily, rotateRefreshToken } from '@glyphoxa/db';
import { ACCESS_TOKEN_TTL_S, signAccessToken } from '../auth/access-token.ts';
import { sha256Hex } from '../auth/constant-time.ts';
import { randomToken } from '../auth/random-token.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { SCOPES, type Principal } from '../principal.ts';
import type { OperationContext } from './context.ts';

/** A web sign-in lasts this long without a refresh; each refresh starts the week again. */
export const REFRESH_TOKEN_TTL_S = 7 * 24 * 60 * 60;

/** An opaque refresh token, and when it stops working. */
export interface RefreshGrant {
  token: string;
  expiresAt: Date;
}

// `<user id>.<secret>`: the user id scopes the lookup to that account (asAccount); only the hash is stored.
const REFRESH_TOKEN_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[\w-]{43}$/;

const userPrincipal = (userId: string): Principal => ({ kind: 'user', id: userId, userId, tenantId: null, role: 'viewer', scopes: [...SCOPES] });
const signedOut = (message: string) => new ApiError(401, 'refresh_refused', message);

function newGrant(userId: string, now: Date): RefreshGrant {
  return { token: `${userId}.${randomToken(32)}`, expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_S * 1000) };
}

/** Opens a new family of refresh tokens for a user who just signed in. */
export async function startWebSession(ctx: OperationContext, userId: string, now = new Date()): Promise<RefreshGrant> {
  const grant = newGrant(userId, now);
  await insertRefreshToken(ctx.db(), userId, { family: crypto.randomUUID(), tokenHash: await sha256Hex(grant.token), tenantId: null, expiresAt: grant.expiresAt });
  return grant;
}

/**
 * Trades a refresh token for a new access token and the next refresh token of its
 * family. A token already traded is a stolen copy or a replay: its whole family is
 * revoked, so the thief and the owner are both signed out, and the audit says so.
 */
export async function refreshWebSession(ctx: OperationContext, presented: string | undefined, now = new Date()) {
  const userId = presented?.match(REFRESH_TOKEN_PATTERN)?.[1];
  if (!presented || !userId) throw signedOut('No valid refresh token: please sign in again');
  const grant = newGrant(userId, now);
  const db = ctx.db();
  const rotation = await rotateRefreshToken(db, userId, await sha256Hex(presented), { tokenHash: await sha256Hex(grant.token), tenantId: null, expiresAt: grant.expiresAt }, now);
  if (!rotation.ok) {
    if (rotation.reason === 'reused') {
      await audit(ctx, userPrincipal(userId), { tenantId: null, action: 'session.refresh_reused', target: userId, detail: { revoked: 'family' } });
      throw signedOut('This refresh token was already used: every session of this sign-in is signed out');
    }
    throw signedOut(rotation.reason === 'expired' ? 'The sign-in has expired: please sign in again' : 'No valid refresh token: please sign in again');
  }
  const account = await getAccount(db, userId);
  if (!account) throw signedOut('This account no longer exists');
  return {
    grant,
    access_token: await signAccessToken(ctx.env, { userId, superAdmin: account.user.superAdmin }),
    token_type: 'Bearer' as const,
    expires_in: ACCESS_TOKEN_TTL_S,
  };
}

/** Signs the sign-in the token belongs to out, on every tab holding it; an unknown token is already out. */
export async function endWebSession(ctx: OperationContext, presented: string | undefined, now = new Date()): Promise<void> {
  const userId = presented?.match(REFRESH_TOKEN_PATTERN)?.[1];
  if (!presented || !userId) return;
  if (await revokeRefreshFamily(ctx.db(), userId, await sha256Hex(presented), now)) {
    await audit(ctx, userPrincipal(userId), { tenantId: null, action: 'session.sign_out', target: userId });
  }
}
