import { deleteTenantProvider, listTenantProviders, putTenantProvider, type ProviderRole } from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { providerBodySchema } from '../routes/provider-body.ts';
import { checkProvider } from '../provider-checks/check.ts';
import { openEndpoint, sealProviderKey } from '../secrets/provider-keys.ts';
import { viewProvider } from '../views/provider.ts';
import type * as v from 'valibot';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';

export type ProviderInput = v.InferOutput<ReturnType<typeof providerBodySchema>>;

/** A tenant's own LLM, STT and TTS providers (bring your own key); keys go in, never out. */
export async function listProviders(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'providers.view', tenantId);
  await mustGetTenant(ctx.db(), tenantId);
  return (await listTenantProviders(ctx.db(), tenantId)).map(viewProvider);
}

export async function putProvider(ctx: OperationContext, principal: Principal, tenantId: string, role: ProviderRole, input: ProviderInput) {
  authorize(principal, 'providers.manage', tenantId);
  const db = ctx.db();
  await mustGetTenant(db, tenantId);
  const before = (await listTenantProviders(db, tenantId)).find((p) => p.role === role);
  const apiKeyEnc = typeof input.api_key === 'string' ? await sealProviderKey(ctx.env.SECRET_KEYS, tenantId, role, input.api_key) : input.api_key;
  const provider = await putTenantProvider(db, tenantId, role, { kind: input.kind, baseUrl: input.base_url, model: input.model, apiKeyEnc, options: input.options ?? {} });
  const view = viewProvider(provider);
  await audit(ctx, principal, {
    tenantId,
    action: 'provider.put',
    target: `${tenantId}/${role}`,
    detail: { fields: Object.keys(input) },
    before: before ? viewProvider(before) : null,
    after: view,
  });
  return view;
}

export async function deleteProvider(ctx: OperationContext, principal: Principal, tenantId: string, role: ProviderRole) {
  authorize(principal, 'providers.manage', tenantId);
  if (!(await deleteTenantProvider(ctx.db(), tenantId, role))) throw new ApiError(404, 'provider_not_found', `Tenant ${tenantId} has no ${role} provider`);
  await audit(ctx, principal, { tenantId, action: 'provider.delete', target: `${tenantId}/${role}` });
  return { deleted: role };
}

/**
 * A real, small call to the tenant's provider for `role` (provider-checks/check.ts), so an
 * owner knows a key and URL work before a session needs them. The vendor's refusal is the
 * answer (`ok: false`), not an error of this API. espeak-ng has no vendor: it speaks on the
 * voice node, so there is nothing here to call (the voice preview plays it).
 */
export async function testProvider(ctx: OperationContext, principal: Principal, tenantId: string, role: ProviderRole, input: { voice_id?: string | undefined }) {
  authorize(principal, 'providers.manage', tenantId);
  const row = (await listTenantProviders(ctx.db(), tenantId)).find((p) => p.role === role);
  if (!row) throw new ApiError(404, 'provider_not_found', `Tenant ${tenantId} has no ${role} provider: set one first`);
  if (row.kind === 'espeak') throw new ApiError(409, 'not_testable', 'espeak-ng speaks on the voice node with no key or vendor to call: play a voice preview to hear it');
  const result = await checkProvider(role, await openEndpoint(ctx.env.SECRET_KEYS, row), input.voice_id);
  await audit(ctx, principal, { tenantId, action: 'provider.test', target: `${tenantId}/${role}`, detail: { ok: result.ok, latency_ms: result.latency_ms } });
  return { role, kind: row.kind, model: row.model, ...result };
}
