import { changeMember, createInvite, deleteInvite, listMembers as readMembers, listPendingInvites, type MemberRole } from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { viewInvite, viewMember } from '../views/member.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';
import { planLimitError } from '../billing/plan-limit-error.ts';
import { tenantLimits } from '../billing/tenant-limits.ts';

/** Exactly one of `email` and `discord_id` (the route's schema checks it). */
export interface InviteInput {
  email?: string;
  discord_id?: string;
  role: MemberRole;
}

const memberNotFound = (tenantId: string, userId: string) => new ApiError(404, 'member_not_found', `No member ${userId} in tenant ${tenantId}`, 'user_id');
const lastOwner = () => new ApiError(409, 'last_owner', 'The last owner cannot be removed or demoted: make another member owner first', 'role');

/** The tenant's members and its pending invites. */
export async function listMembers(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'members.view', tenantId);
  const db = ctx.db();
  await mustGetTenant(db, tenantId);
  const [members, invites] = await Promise.all([readMembers(db, tenantId), listPendingInvites(db, tenantId)]);
  return { members: members.map(viewMember), invites: invites.map(viewInvite) };
}

/** Invites a person by email or Discord id; they join with `role` at their next sign-in. */
export async function inviteMember(ctx: OperationContext, principal: Principal, tenantId: string, input: InviteInput) {
  authorize(principal, 'members.manage', tenantId);
  const db = ctx.db();
  const effective = await tenantLimits(ctx, await mustGetTenant(db, tenantId));
  const address = input.email !== undefined ? { email: input.email } : { discordId: input.discord_id! };
  const invite = await createInvite(db, tenantId, address, input.role, principal.userId, effective.limits.seats);
  const field = input.email !== undefined ? 'email' : 'discord_id';
  if (!invite) throw new ApiError(409, 'invite_exists', `${field}: an invite to this address is already pending`, field);
  if ('limitReached' in invite) throw planLimitError(effective, 'seats', invite.limitReached);
  const view = viewInvite(invite);
  await audit(ctx, principal, { tenantId, action: 'member.invite', target: invite.id, detail: { role: input.role, by: field }, after: view });
  return view;
}

/** Gives a member another role, or with `null` removes them; the last owner stays. */
export function changeMemberRole(ctx: OperationContext, principal: Principal, tenantId: string, userId: string, role: MemberRole): Promise<{ user_id: string; role: MemberRole }>;
export function changeMemberRole(ctx: OperationContext, principal: Principal, tenantId: string, userId: string, role: null): Promise<{ removed: string }>;
export async function changeMemberRole(ctx: OperationContext, principal: Principal, tenantId: string, userId: string, role: MemberRole | null) {
  authorize(principal, 'members.manage', tenantId);
  const outcome = await changeMember(ctx.db(), tenantId, userId, role);
  if (outcome === 'not_member') throw memberNotFound(tenantId, userId);
  if (outcome === 'last_owner') throw lastOwner();
  const view = (m: { role: MemberRole } | null) => (m ? { user_id: userId, role: m.role } : null);
  await audit(ctx, principal, { tenantId, action: role ? 'member.role' : 'member.remove', target: userId, before: view(outcome.before), after: view(outcome.after) });
  return role ? { user_id: userId, role } : { removed: userId };
}

/** Withdraws a pending invite. */
export async function withdrawInvite(ctx: OperationContext, principal: Principal, tenantId: string, inviteId: string) {
  authorize(principal, 'members.manage', tenantId);
  const invite = await deleteInvite(ctx.db(), tenantId, inviteId);
  if (!invite) throw new ApiError(404, 'invite_not_found', `No pending invite ${inviteId} in tenant ${tenantId}`, 'invite_id');
  await audit(ctx, principal, { tenantId, action: 'member.invite_withdraw', target: inviteId, before: viewInvite(invite) });
  return { withdrawn: inviteId };
}
