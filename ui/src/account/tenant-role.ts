import { useSuspenseQuery } from '@tanstack/react-query';
import { meQuery, type MemberRole } from './me-query.ts';

/** The signed-in user's role in a tenant (null: not a member), read from /api/v1/me. */
export function useTenantRole(tenantId: string): MemberRole | null {
  const { data: me } = useSuspenseQuery(meQuery);
  return me.memberships.find((m) => m.tenant_id === tenantId)?.role ?? null;
}

/** Whether a role may change campaigns and run sessions (the edge's `campaigns.manage` / `sessions.run`): owners and DMs. */
export const canManage = (role: MemberRole | null): boolean => role === 'tenant_owner' || role === 'dm';
