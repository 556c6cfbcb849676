import type { MemberRole, User } from '@glyphoxa/db';
import * as v from 'valibot';
import { RoleSchema } from './member.ts';

/** A user as they see themselves: their profile and the tenants they belong to (the schema the OpenAPI document shows). */
export const AccountViewSchema = v.object({
  user: v.object({
    id: v.string(),
    email: v.nullable(v.string()),
    email_verified: v.boolean(),
    display_name: v.string(),
    avatar_url: v.nullable(v.string()),
    super_admin: v.boolean(),
    created_at: v.string(),
  }),
  memberships: v.array(v.object({ tenant_id: v.string(), role: RoleSchema })),
});
export type AccountView = v.InferOutput<typeof AccountViewSchema>;

export function viewAccount(account: { user: User; memberships: Array<{ tenantId: string; role: MemberRole }> }): AccountView {
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
