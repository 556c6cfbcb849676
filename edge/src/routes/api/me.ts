import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { getMe } from '../../operations/account.ts';
import { httpContext } from '../../operations/context.ts';

/** The signed-in user's own account. */
export function meRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/me', async (c) => c.json(await getMe(httpContext(c), c.var.principal)));
  return app;
}
