import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { changeMemberRole, inviteMember, listMembers, withdrawInvite } from '../../operations/members.ts';
import { createTenant, deleteTenant, getTenant, updateTenant } from '../../operations/tenants.ts';
import { CreateTenantSchema, TenantParamsSchema, UpdateTenantSchema } from '../admin-schemas.ts';
import { answers, input } from './contract.ts';
import {
  InviteAnswer,
  InviteParamsSchema,
  InviteSchema,
  MemberAnswer,
  MemberParamsSchema,
  MemberRoleSchema,
  MembersAnswer,
  DeletedTenantAnswer,
  RemovedMemberAnswer,
  TenantAnswer,
  WithdrawnInviteAnswer,
} from './tenant-schemas.ts';

/** Creating a tenant, and a tenant's own settings and members, for its people (`tenantMember` has set their role in it). */
export function tenantRoutes() {
  return new Hono<AppEnv>()
    .post('/tenants', answers('Create another tenant, which you own (tier apprentice, shared voice nodes)', 201, TenantAnswer), input('json', CreateTenantSchema), async (c) =>
      c.json({ tenant: await createTenant(httpContext(c), c.var.principal, c.req.valid('json')) }, 201),
    )
    .get('/tenants/:id', answers("Read the tenant's settings (secrets only as whether they are set)", 200, TenantAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json({ tenant: await getTenant(httpContext(c), c.var.principal, c.req.valid('param').id) }),
    )
    .put('/tenants/:id', answers("Change the tenant's settings (secrets are write-only)", 200, TenantAnswer), input('param', TenantParamsSchema), input('json', UpdateTenantSchema), async (c) =>
      c.json({ tenant: await updateTenant(httpContext(c), c.var.principal, c.req.valid('param').id, c.req.valid('json')) }),
    )
    .delete('/tenants/:id', answers('Delete the tenant: its live sessions are stopped and everything of it removed', 200, DeletedTenantAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json(await deleteTenant(httpContext(c), c.var.principal, c.req.valid('param').id)),
    )
    .get('/tenants/:id/users', answers("List the tenant's members and pending invites", 200, MembersAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json(await listMembers(httpContext(c), c.var.principal, c.req.valid('param').id)),
    )
    .post('/tenants/:id/users', answers('Invite someone by email or Discord id (accepted at their first sign-in)', 201, InviteAnswer), input('param', TenantParamsSchema), input('json', InviteSchema), async (c) =>
      c.json({ invite: await inviteMember(httpContext(c), c.var.principal, c.req.valid('param').id, c.req.valid('json')) }, 201),
    )
    .put('/tenants/:id/users/:userId', answers("Change a member's role (never the last owner's)", 200, MemberAnswer), input('param', MemberParamsSchema), input('json', MemberRoleSchema), async (c) => {
      const { id, userId } = c.req.valid('param');
      return c.json({ member: await changeMemberRole(httpContext(c), c.var.principal, id, userId, c.req.valid('json').role) });
    })
    .delete('/tenants/:id/users/:userId', answers('Remove a member (never the last owner)', 200, RemovedMemberAnswer), input('param', MemberParamsSchema), async (c) => {
      const { id, userId } = c.req.valid('param');
      return c.json(await changeMemberRole(httpContext(c), c.var.principal, id, userId, null));
    })
    .delete('/tenants/:id/invites/:inviteId', answers('Withdraw a pending invite', 200, WithdrawnInviteAnswer), input('param', InviteParamsSchema), async (c) => {
      const { id, inviteId } = c.req.valid('param');
      return c.json(await withdrawInvite(httpContext(c), c.var.principal, id, inviteId));
    });
}
