import { deleteTenantProvider, listTenantProviders, putTenantProvider } from '@glyphoxa/db';
import { Hono } from 'hono';
import { auditAdmin } from '../audit.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { sealProviderKey } from '../secrets/provider-keys.ts';
import { readJson, readParams } from '../validation.ts';
import { viewProvider } from '../views/provider.ts';
import { ProviderParamsSchema, providerBodySchema, TenantParamsSchema } from './admin-schemas.ts';
import { mustGetTenant } from './admin-tenants.ts';

/** A tenant's own LLM, STT and TTS providers (bring your own key); keys go in, never out. */
export function adminProviderRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/tenants/:id/providers', async (c) => {
    const { id } = readParams(c, TenantParamsSchema);
    await mustGetTenant(c.var.db(), id);
    return c.json({ providers: (await listTenantProviders(c.var.db(), id)).map(viewProvider) });
  });

  app.put('/tenants/:id/providers/:role', async (c) => {
    const { id, role } = readParams(c, ProviderParamsSchema);
    const body = await readJson(c, providerBodySchema(role));
    await mustGetTenant(c.var.db(), id);
    const apiKeyEnc = typeof body.api_key === 'string' ? await sealProviderKey(c.env.SECRET_KEYS, id, role, body.api_key) : body.api_key;
    const provider = await putTenantProvider(c.var.db(), id, role, { kind: body.kind, baseUrl: body.base_url, model: body.model, apiKeyEnc, options: body.options ?? {} });
    await auditAdmin(c.var.db(), { tenantId: id, action: 'provider.put', target: `${id}/${role}`, detail: { fields: Object.keys(body) } });
    return c.json({ provider: viewProvider(provider) });
  });

  app.delete('/tenants/:id/providers/:role', async (c) => {
    const { id, role } = readParams(c, ProviderParamsSchema);
    if (!(await deleteTenantProvider(c.var.db(), id, role))) throw new ApiError(404, 'provider_not_found', `Tenant ${id} has no ${role} provider`);
    await auditAdmin(c.var.db(), { tenantId: id, action: 'provider.delete', target: `${id}/${role}` });
    return c.json({ deleted: role });
  });

  return app;
}
