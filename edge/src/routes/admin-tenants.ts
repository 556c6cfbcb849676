import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { httpContext } from '../operations/context.ts';
import { createTenant, deleteTenant, getTenant, listTenants, tenantUsage, updateTenant } from '../operations/tenants.ts';
import { readJson, readParams, readQuery } from '../validation.ts';
import { CreateTenantSchema, PageQuerySchema, TenantParamsSchema, UpdateTenantSchema, UsageQuerySchema } from './admin-schemas.ts';

/** Operators' tenant administration: CRUD and usage, over operations/tenants.ts. */
export function adminTenantRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/tenants', async (c) => {
    const body = await readJson(c, CreateTenantSchema);
    return c.json({ tenant: await createTenant(httpContext(c), c.var.principal, body) }, 201);
  });

  app.get('/tenants', async (c) => {
    const page = readQuery(c, PageQuerySchema);
    return c.json(await listTenants(httpContext(c), c.var.principal, { after: page.after, limit: page.limit }));
  });

  app.get('/tenants/:id', async (c) => c.json({ tenant: await getTenant(httpContext(c), c.var.principal, readParams(c, TenantParamsSchema).id) }));

  app.put('/tenants/:id', async (c) => {
    const { id } = readParams(c, TenantParamsSchema);
    const body = await readJson(c, UpdateTenantSchema);
    return c.json({ tenant: await updateTenant(httpContext(c), c.var.principal, id, body) });
  });

  app.delete('/tenants/:id', async (c) => c.json(await deleteTenant(httpContext(c), c.var.principal, readParams(c, TenantParamsSchema).id)));

  app.get('/tenants/:id/usage', async (c) => {
    const { id } = readParams(c, TenantParamsSchema);
    return c.json(await tenantUsage(httpContext(c), c.var.principal, id, readQuery(c, UsageQuerySchema)));
  });

  return app;
}
