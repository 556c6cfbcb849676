import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { getMe, updateMe } from '../../operations/account.ts';
import { httpContext } from '../../operations/context.ts';
import { AccountViewSchema } from '../../views/account.ts';
import { answers, input } from './contract.ts';
import { UpdateMeSchema } from './me-schemas.ts';

/** The signed-in user's own account. Chained, so the route's answer is in its type. */
export const meRoutes = () =>
  new Hono<AppEnv>()
    .get('/me', answers('Read your own account and the tenants you belong to', 200, AccountViewSchema), async (c) => c.json(await getMe(httpContext(c), c.var.principal)))
    .put('/me', answers('Change your display name or avatar', 200, AccountViewSchema), input('json', UpdateMeSchema), async (c) =>
      c.json(await updateMe(httpContext(c), c.var.principal, c.req.valid('json'))),
    );
