import { memberRoleOf } from '@glyphoxa/db';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import type { AppEnv } from '../env.ts';
import { readParams } from '../validation.ts';
import { TenantIdSchema, TenantParamsSchema } from '../routes/admin-schemas.ts';

/**
 * A signed-in user acts in the tenant the request names as what they are there:
 * their membership's role, read now (a token outlives a change of role, the
 * membership does not). A user who is not a member stays outside it, so the
 * operations answer 404 as for a tenant that does not exist.
 */
function memberOf(tenantOf: (c: Context<AppEnv>) => string | undefined): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.var.principal;
    const id = principal.kind === 'user' && principal.role !== 'super_admin' ? tenantOf(c) : undefined;
    if (id !== undefined) {
      const role = await memberRoleOf(c.var.db(), id, principal.userId!);
      c.set('principal', role ? { ...principal, tenantId: id, role } : { ...principal, tenantId: null });
    }
    await next();
  });
}

/** On `/api/v1/tenants/:id/…`: the tenant of the path. */
export const tenantMember = memberOf((c) => readParams(c, TenantParamsSchema).id);

/** On routes naming the tenant as `?tenant_id=` (a malformed one is the route's validation's to refuse). */
export const tenantMemberByQuery = memberOf((c) => {
  const parsed = v.safeParse(TenantIdSchema, c.req.query('tenant_id'));
  return parsed.success ? parsed.output : undefined;
});
