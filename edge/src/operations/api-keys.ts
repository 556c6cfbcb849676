import { insertApiKey, listApiKeys, memberRoleOf, revokeApiKey, type ApiKeyScope } from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { issueApiKey } from '../auth/api-key-token.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { viewApiKey } from '../views/api-key.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';

export interface NewApiKeyInput {
  name: string;
  scopes: ApiKeyScope[];
  expires_at: Date | null;
}

/**
 * Creates a key acting for its creator in the tenant; the answer is the only
 * time the key is seen (only its secret's hash is kept).
 */
export async function createApiKey(ctx: OperationContext, principal: Principal, tenantId: string, input: NewApiKeyInput) {
  authorize(principal, 'api_keys.manage', tenantId);
  // A key is capped by its creator's membership, so it needs a person who is a member.
  if (!principal.userId) throw new ApiError(403, 'forbidden', 'An API key acts for the member who created it: sign in as a member of the tenant to create one');
  // A key creating keys may not hand out scopes it lacks.
  const beyond = input.scopes.filter((s) => !principal.scopes.includes(s));
  if (beyond.length > 0) throw new ApiError(403, 'forbidden', `scopes: this API key lacks ${beyond.join(', ')}, so it cannot grant it`, 'scopes');
  const db = ctx.db();
  await mustGetTenant(db, tenantId);
  if (!(await memberRoleOf(db, tenantId, principal.userId))) throw new ApiError(403, 'forbidden', `An API key acts with its creator's role in the tenant, and you are not a member of ${tenantId}`);
  const issued = await issueApiKey(tenantId);
  const row = await insertApiKey(db, tenantId, { id: issued.keyId, createdBy: principal.userId, name: input.name, scopes: input.scopes, secretHash: issued.secretHash, last4: issued.key.slice(-4), expiresAt: input.expires_at });
  const view = viewApiKey(row);
  await audit(ctx, principal, { tenantId, action: 'api_key.create', target: row.id, after: view });
  return { ...view, key: issued.key };
}

/** The tenant's live keys with when each was last used (never the key). */
export async function listKeys(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'api_keys.manage', tenantId);
  const db = ctx.db();
  await mustGetTenant(db, tenantId);
  return (await listApiKeys(db, tenantId)).map(viewApiKey);
}

/** Revokes a key: the next request with it is refused. */
export async function revokeKey(ctx: OperationContext, principal: Principal, tenantId: string, keyId: string) {
  authorize(principal, 'api_keys.manage', tenantId);
  const row = await revokeApiKey(ctx.db(), tenantId, keyId);
  if (!row) throw new ApiError(404, 'api_key_not_found', `No live API key ${keyId} in tenant ${tenantId}`, 'key_id');
  await audit(ctx, principal, { tenantId, action: 'api_key.revoke', target: keyId, before: viewApiKey(row) });
  return { revoked: keyId };
}
