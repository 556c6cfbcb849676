import * as v from 'valibot';
import { ObservabilityViewSchema, PlatformUserViewSchema } from '../../views/platform.ts';
import { TenantViewSchema } from '../../views/tenant.ts';
import { PageQuerySchema } from '../admin-schemas.ts';

/** The super admins' /api/v1/admin routes: queries and answers. */

export const PlatformPageQuerySchema = v.strictObject({
  ...PageQuerySchema.entries,
  /** Narrows the list: tenants by id or a member's email, users by email or display name (contains, any case). */
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, 'must be at most 100 characters'))),
});

export const PlatformTenantsAnswer = v.object({ tenants: v.array(TenantViewSchema), next_after: v.nullable(v.string()) });
export const PlatformUsersAnswer = v.object({ users: v.array(PlatformUserViewSchema), next_after: v.nullable(v.string()) });
export const ObservabilityAnswer = ObservabilityViewSchema;
