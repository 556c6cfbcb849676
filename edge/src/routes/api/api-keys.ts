import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { createApiKey, listKeys, revokeKey } from '../../operations/api-keys.ts';
import { httpContext } from '../../operations/context.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { ApiKeyParamsSchema, ApiKeysAnswer, CreateApiKeySchema, CreatedApiKeyAnswer, RevokedApiKeyAnswer } from './api-key-schemas.ts';
import { answers, input } from './contract.ts';

/** A tenant's API keys, over operations/api-keys.ts. */
export function apiKeyRoutes() {
  return new Hono<AppEnv>()
    .post('/tenants/:id/keys', answers('Create an API key (the answer is the only time the key is shown)', 201, CreatedApiKeyAnswer), input('param', TenantParamsSchema), input('json', CreateApiKeySchema), async (c) => {
      const body = c.req.valid('json');
      const created = await createApiKey(httpContext(c), c.var.principal, c.req.valid('param').id, { ...body, expires_at: body.expires_at ?? null });
      return c.json({ api_key: created }, 201);
    })
    .get('/tenants/:id/keys', answers("List the tenant's live API keys", 200, ApiKeysAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json({ api_keys: await listKeys(httpContext(c), c.var.principal, c.req.valid('param').id) }),
    )
    .delete('/tenants/:id/keys/:keyId', answers('Revoke an API key', 200, RevokedApiKeyAnswer), input('param', ApiKeyParamsSchema), async (c) => {
      const { id, keyId } = c.req.valid('param');
      return c.json(await revokeKey(httpContext(c), c.var.principal, id, keyId));
    });
}
