import { listAudit } from '@glyphoxa/db';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { AuditQuery } from '../routes/api/audit-schemas.ts';
import { viewAuditEntry } from '../views/audit-entry.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';

/**
 * The audit trail: a tenant's for its owners (and its owners' keys), every tenant's and
 * the platform's for super admins when they name none.
 */
export async function readAuditTrail(ctx: OperationContext, principal: Principal, query: AuditQuery) {
  const tenantId = query.tenant_id ?? (principal.kind === 'api_key' ? principal.tenantId : null);
  if (tenantId === null && principal.role !== 'super_admin') throw new ApiError(400, 'invalid_request', 'tenant_id: name the tenant whose trail to read', 'tenant_id');
  authorize(principal, 'audit.view', tenantId);
  const { tenant_id: _, ...filters } = query;
  const entries = (await listAudit(ctx.db(), { ...filters, tenantId })).map(viewAuditEntry);
  return { entries, next_before: entries.length === query.limit ? entries.at(-1)!.id : null };
}
