import { createMiddleware } from 'hono/factory';
import { verifyAccessToken, type AccessClaims } from '../auth/access-token.ts';
import { bearerToken, secretsEqual } from '../auth/constant-time.ts';
import type { AppEnv, Bindings } from '../env.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, actorOf, SCOPES, type Principal } from '../principal.ts';

/**
 * The one place a bearer credential becomes a principal: a user's access token
 * or the operator's admin key. What the principal may do is the operations' to
 * decide (operations/permissions.ts), never a route's.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await principalOf(c.env, bearerToken(c.req.header('authorization')));
  if (!principal) throw new ApiError(401, 'unauthorized', 'A valid access token or key is required (Authorization: Bearer <token>)');
  c.set('principal', principal);
  c.set('log', c.var.log.with({ actor: actorOf(principal) }));
  await next();
});

async function principalOf(env: Bindings, presented: string | null): Promise<Principal | null> {
  if (!presented) return null;
  if (looksLikeJwt(presented)) {
    const claims = await verifyAccessToken(env, presented);
    return claims && userPrincipal(claims);
  }
  if (env.ADMIN_KEY && (await secretsEqual(presented, env.ADMIN_KEY))) return ADMIN;
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
