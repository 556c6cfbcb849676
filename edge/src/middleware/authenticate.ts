import { findApiKey, touchApiKey } from '@glyphoxa/db';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { verifyAccessToken, type AccessClaims } from '../auth/access-token.ts';
import { apiKeySecretMatches, looksLikeApiKey, readApiKey } from '../auth/api-key-token.ts';
import { bearerToken, secretsEqual } from '../auth/constant-time.ts';
import { subprotocolBearer } from '../auth/websocket-bearer.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, actorOf, SCOPES, type Principal } from '../principal.ts';

/**
 * The one place a bearer credential becomes a principal: a user's access token,
 * a tenant's API key or the operator's admin key (on a WebSocket upgrade, also from its
 * subprotocols: auth/websocket-bearer.ts). What the principal may do is the operations' to
 * decide (operations/permissions.ts), never a route's.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const upgrade = c.req.header('upgrade')?.toLowerCase() === 'websocket';
  const presented = bearerToken(c.req.header('authorization')) ?? (upgrade ? subprotocolBearer(c.req.header('sec-websocket-protocol')) : null);
  const principal = await principalOf(c, presented);
  if (!principal) throw new ApiError(401, 'unauthorized', 'A valid access token or key is required (Authorization: Bearer <token>)');
  c.set('principal', principal);
  c.set('log', c.var.log.with({ actor: actorOf(principal) }));
  await next();
});

async function principalOf(c: Context<AppEnv>, presented: string | null): Promise<Principal | null> {
  if (!presented) return null;
  // Before the JWT test: a key has three dot-separated parts too.
  if (looksLikeApiKey(presented)) return apiKeyPrincipal(c, presented);
  if (looksLikeJwt(presented)) {
    const claims = await verifyAccessToken(c.env, presented);
    return claims && userPrincipal(claims);
  }
  if (c.env.ADMIN_KEY && (await secretsEqual(presented, c.env.ADMIN_KEY))) return ADMIN;
  return null;
}

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

/**
 * A signed-in user, before any tenant: their role in one is read when an
 * operation acts there (a token outlives a change of role, the membership does not).
 */
function userPrincipal(claims: AccessClaims): Principal {
  return { kind: 'user', id: claims.userId, userId: claims.userId, tenantId: null, role: claims.superAdmin ? 'super_admin' : 'viewer', scopes: [...SCOPES] };
}

/** How stale `last_used_at` may get: a write per request would cost more than the request. */
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * A live, unexpired API key acts in its tenant with its scopes and its creator's
 * role there, read now: a demoted creator's key loses the extra power, a
 * removed creator's key acts as nobody.
 */
async function apiKeyPrincipal(c: Context<AppEnv>, presented: string): Promise<Principal | null> {
  const parts = readApiKey(presented);
  if (!parts) return null;
  const db = c.var.db();
  const found = await findApiKey(db, parts.tenantId, parts.keyId);
  const now = new Date();
  // The caller learns only 401; the log says why, naming the key by its id (never its secret).
  const refused = (reason: string) => (c.var.log.warn('api key refused', { key: parts.keyId, tenant_id: parts.tenantId, reason }), null);
  if (!found) return refused('unknown or revoked');
  const { key, creatorRole } = found;
  if (!(await apiKeySecretMatches(parts.secret, key.secretHash))) return refused('wrong secret');
  if (key.expiresAt && key.expiresAt <= now) return refused('expired');
  if (!creatorRole) return refused('creator no longer a member');
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    c.executionCtx.waitUntil(touchApiKey(db, key.tenantId, key.id, now, LAST_USED_GRANULARITY_MS).catch((error: unknown) => c.var.log.warn('api key last_used_at not recorded', { key: key.id, error: String(error) })));
  }
  return { kind: 'api_key', id: key.id, userId: key.createdBy, tenantId: key.tenantId, role: creatorRole, scopes: key.scopes };
}
