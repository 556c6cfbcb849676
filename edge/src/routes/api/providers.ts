import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { deleteProvider, listProviders, putProvider, testProvider } from '../../operations/providers.ts';
import { readParams } from '../../validation.ts';
import { ProviderParamsSchema, TenantParamsSchema } from '../admin-schemas.ts';
import { providerBodySchema } from '../provider-body.ts';
import { answers, input } from './contract.ts';
import { AnyProviderBodySchema, DeletedProviderAnswer, ProviderAnswer, ProvidersAnswer, ProviderTestAnswer, ProviderTestBodySchema } from './provider-schemas.ts';

/** A tenant's own providers (bring your own key), over operations/providers.ts as the admin API is. */
export function providerRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/providers', answers("List the tenant's providers (keys only as whether one is set)", 200, ProvidersAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json({ providers: await listProviders(httpContext(c), c.var.principal, c.req.valid('param').id) }),
    )
    .put(
      '/tenants/:id/providers/:role',
      answers("Set the tenant's provider for a slot (api_key omitted keeps the stored key, null removes it)", 200, ProviderAnswer),
      input('param', ProviderParamsSchema),
      input('json', AnyProviderBodySchema, (c) => providerBodySchema(readParams(c, ProviderParamsSchema).role)),
      async (c) => {
        const { id, role } = c.req.valid('param');
        return c.json({ provider: await putProvider(httpContext(c), c.var.principal, id, role, c.req.valid('json')) });
      },
    )
    .delete('/tenants/:id/providers/:role', answers("Remove the tenant's provider for a slot", 200, DeletedProviderAnswer), input('param', ProviderParamsSchema), async (c) => {
      const { id, role } = c.req.valid('param');
      return c.json(await deleteProvider(httpContext(c), c.var.principal, id, role));
    })
    .post(
      '/tenants/:id/providers/:role/test',
      answers("Call the tenant's provider for a slot once (a tiny completion, a short recording, a phrase): whether it answered, how fast, and what it said or why not", 200, ProviderTestAnswer),
      input('param', ProviderParamsSchema),
      input('json', ProviderTestBodySchema),
      async (c) => {
        const { id, role } = c.req.valid('param');
        return c.json(await testProvider(httpContext(c), c.var.principal, id, role, c.req.valid('json')));
      },
    );
}
