import { createMiddleware } from 'hono/factory';
import { bearerToken, secretsEqual } from '../auth/constant-time.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';

/** `/admin/*` is for operators and scripts: `Authorization: Bearer <admin key>`. */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const presented = bearerToken(c.req.header('authorization'));
  if (!presented || !c.env.ADMIN_KEY || !(await secretsEqual(presented, c.env.ADMIN_KEY))) {
    throw new ApiError(401, 'unauthorized', 'A valid admin key is required (Authorization: Bearer <admin key>)');
  }
  c.set('log', c.var.log.with({ actor: 'admin' }));
  await next();
});
