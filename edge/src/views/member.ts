import type { Invite, Member } from '@glyphoxa/db';

/** A member as their tenant's members see them. */
export function viewMember(member: Member) {
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
export function viewInvite(invite: Invite) {
  return {
    id: invite.id,
    email: invite.email,
    discord_id: invite.discordId,
    role: invite.role,
    invited_by: invite.invitedBy,
    created_at: invite.createdAt.toISOString(),
  };
}
