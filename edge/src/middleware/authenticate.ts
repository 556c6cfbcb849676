import { createMiddleware } from 'hono/factory';
import { bearerToken, secretsEqual } from '../auth/constant-time.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { ADMIN, actorOf, type Principal } from '../principal.ts';

/**
 * The one place a bearer credential becomes a principal: the operator's admin
 * key for now. What the principal may do is the operations' to decide
 * (operations/permissions.ts), never a route's.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await principalOf(c.env, bearerToken(c.req.header('authorization')));
  if (!principal) throw new ApiError(401, 'unauthorized', 'A valid admin key is required (Authorization: Bearer <admin key>)');
  c.set('principal', principal);
  c.set('log', c.var.log.with({ actor: actorOf(principal) }));
  await next();
});

async function principalOf(env: AppEnv['Bindings'], presented: string | null): Promise<Principal | null> {
  if (!presented) return null;
  if (env.ADMIN_KEY && (await secretsEqual(presented, env.ADMIN_KEY))) return ADMIN;
  return null;
}
