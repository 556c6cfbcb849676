import * as v from 'valibot';
import { InviteViewSchema, MemberViewSchema, RoleSchema as Role } from '../../views/member.ts';
import { TenantViewSchema } from '../../views/tenant.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

const Uuid = (what: string) => v.pipe(v.string(), v.uuid(`must be ${what} (a uuid)`));

/** Who is invited: an email or a Discord user id, exactly one. */
export const InviteSchema = v.pipe(
  v.strictObject({
    email: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('must be an email address'), v.maxLength(254))),
    discord_id: v.optional(v.pipe(v.string(), v.regex(/^\d{17,20}$/, 'must be a Discord user id'))),
    role: Role,
  }),
  v.check((body) => (body.email === undefined) !== (body.discord_id === undefined), 'email: give an email or a discord_id, exactly one'),
);
export const MemberRoleSchema = v.strictObject({ role: Role });
export const MemberParamsSchema = v.object({ id: TenantIdSchema, userId: Uuid('a user id') });
export const InviteParamsSchema = v.object({ id: TenantIdSchema, inviteId: Uuid('an invite id') });

export const TenantAnswer = v.object({ tenant: TenantViewSchema });
export const DeletedTenantAnswer = v.object({ deleted: v.string(), ended_sessions: v.number() });
export const MembersAnswer = v.object({ members: v.array(MemberViewSchema), invites: v.array(InviteViewSchema) });
export const InviteAnswer = v.object({ invite: InviteViewSchema });
export const MemberAnswer = v.object({ member: v.object({ user_id: v.string(), role: Role }) });
export const RemovedMemberAnswer = v.object({ removed: v.string() });
export const WithdrawnInviteAnswer = v.object({ withdrawn: v.string() });
