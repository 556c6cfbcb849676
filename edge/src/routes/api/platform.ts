import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { listPlatformUsers, observePlatform } from '../../operations/platform.ts';
import { listTenants } from '../../operations/tenants.ts';
import { answers, input } from './contract.ts';
import { ObservabilityAnswer, PlatformPageQuerySchema, PlatformTenantsAnswer, PlatformUsersAnswer } from './platform-schemas.ts';

/** `?q=` as the listings' search; an empty one narrows nothing. */
const pageOf = ({ q, ...page }: { q?: string; after?: string; limit: number }) => ({ ...page, search: q || undefined });

/** The platform seen whole, for super admins (signed-in users holding `super_admin`) and the operator key. */
export const platformRoutes = () =>
  new Hono<AppEnv>()
    .get('/admin/tenants', answers('List every tenant, paged by id (super admins)', 200, PlatformTenantsAnswer), input('query', PlatformPageQuerySchema), async (c) =>
      c.json(await listTenants(httpContext(c), c.var.principal, pageOf(c.req.valid('query')))),
    )
    .get('/admin/users', answers('List every user, paged by id (super admins)', 200, PlatformUsersAnswer), input('query', PlatformPageQuerySchema), async (c) =>
      c.json(await listPlatformUsers(httpContext(c), c.var.principal, pageOf(c.req.valid('query')))),
    )
    .get('/admin/observability', answers('Nodes, live sessions, recent errors and this month\'s usage (super admins)', 200, ObservabilityAnswer), async (c) =>
      c.json(await observePlatform(httpContext(c), c.var.principal)),
    );
