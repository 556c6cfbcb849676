import { memberRole, type Invite, type Member } from '@glyphoxa/db';
import * as v from 'valibot';

/** A role in a tenant. */
export const RoleSchema = v.picklist(memberRole.enumValues);

/** A member as their tenant's members see them (the schema the OpenAPI document shows). */
export const MemberViewSchema = v.object({
  user_id: v.string(),
  email: v.nullable(v.string()),
  display_name: v.string(),
  avatar_url: v.nullable(v.string()),
  role: RoleSchema,
  joined_at: v.string(),
});
export type MemberView = v.InferOutput<typeof MemberViewSchema>;

export function viewMember(member: Member): MemberView {
  return {
    user_id: member.user.id,
    email: member.user.email,
    display_name: member.user.displayName,
    avatar_url: member.user.avatarUrl,
    role: member.role,
    joined_at: member.createdAt.toISOString(),
  };
}

/** A pending invite: who it is for and the role it gives. */
export const InviteViewSchema = v.object({
  id: v.string(),
  email: v.nullable(v.string()),
  discord_id: v.nullable(v.string()),
  role: RoleSchema,
  invited_by: v.nullable(v.string()),
  created_at: v.string(),
});
export type InviteView = v.InferOutput<typeof InviteViewSchema>;

export function viewInvite(invite: Invite): InviteView {
  return {
    id: invite.id,
    email: invite.email,
    discord_id: invite.discordId,
    role: invite.role,
    invited_by: invite.invitedBy,
    created_at: invite.createdAt.toISOString(),
  };
}
