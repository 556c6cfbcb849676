import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { httpContext } from '../operations/context.ts';
import { deleteProvider, listProviders, putProvider } from '../operations/providers.ts';
import { readJson, readParams } from '../validation.ts';
import { ProviderParamsSchema, TenantParamsSchema } from './admin-schemas.ts';
import { providerBodySchema } from './provider-body.ts';

/** A tenant's own LLM, STT and TTS providers, over operations/providers.ts. */
export function adminProviderRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/tenants/:id/providers', async (c) => c.json({ providers: await listProviders(httpContext(c), c.var.principal, readParams(c, TenantParamsSchema).id) }));

  app.put('/tenants/:id/providers/:role', async (c) => {
    const { id, role } = readParams(c, ProviderParamsSchema);
    const body = await readJson(c, providerBodySchema(role));
    return c.json({ provider: await putProvider(httpContext(c), c.var.principal, id, role, body) });
  });

  app.delete('/tenants/:id/providers/:role', async (c) => {
    const { id, role } = readParams(c, ProviderParamsSchema);
    return c.json(await deleteProvider(httpContext(c), c.var.principal, id, role));
  });

  return app;
}
