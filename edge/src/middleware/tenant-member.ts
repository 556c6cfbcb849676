import { memberRoleOf } from '@glyphoxa/db';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { readParams } from '../validation.ts';
import { TenantParamsSchema } from '../routes/admin-schemas.ts';

/**
 * On `/api/v1/tenants/:id/…`, a signed-in user acts as what they are in that
 * tenant: their membership's role, read now (a token outlives a change of role,
 * the membership does not). A user who is not a member stays outside it, so the
 * operations answer 404 as for a tenant that does not exist.
 */
export const tenantMember = createMiddleware<AppEnv>(async (c, next) => {
  const principal = c.var.principal;
  if (principal.kind === 'user' && principal.role !== 'super_admin') {
    const { id } = readParams(c, TenantParamsSchema);
    const role = await memberRoleOf(c.var.db(), id, principal.userId!);
    c.set('principal', role ? { ...principal, tenantId: id, role } : { ...principal, tenantId: null });
  }
  await next();
});
