import type { MemberRole, User } from '@glyphoxa/db';

/** A user as they see themselves: their profile and the tenants they belong to. */
export function viewAccount(account: { user: User; memberships: Array<{ tenantId: string; role: MemberRole }> }) {
  const { user } = account;
  return {
    user: {
      id: user.id,
      email: user.email,
      email_verified: user.emailVerified,
      display_name: user.displayName,
      avatar_url: user.avatarUrl,
      super_admin: user.superAdmin,
      created_at: user.createdAt.toISOString(),
    },
    memberships: account.memberships.map((m) => ({ tenant_id: m.tenantId, role: m.role })),
  };
}
