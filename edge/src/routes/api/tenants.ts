import { memberRole } from '@glyphoxa/db';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { changeMemberRole, inviteMember, listMembers, withdrawInvite } from '../../operations/members.ts';
import { getTenant, updateTenant } from '../../operations/tenants.ts';
import { readJson, readParams } from '../../validation.ts';
import { TenantViewSchema } from '../../views/tenant.ts';
import { answers, input } from './contract.ts';
import { TenantIdSchema, TenantParamsSchema, UpdateTenantSchema } from '../admin-schemas.ts';

const TenantAnswer = v.object({ tenant: TenantViewSchema });
const Role = v.picklist(memberRole.enumValues);
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
const MemberParamsSchema = v.object({ id: TenantIdSchema, userId: Uuid('a user id') });
const InviteParamsSchema = v.object({ id: TenantIdSchema, inviteId: Uuid('an invite id') });

/** A tenant's own settings and members, for its people (`tenantMember` has set their role in it). */
export function tenantRoutes() {
  // Chained, so the routes' types reach ApiV1 (the dashboard's client).
  return new Hono<AppEnv>()
    .get('/tenants/:id', answers('Read a tenant', 200, TenantAnswer), input('param', TenantParamsSchema), async (c) => c.json({ tenant: await getTenant(httpContext(c), c.var.principal, c.req.valid('param').id) }))
    .put('/tenants/:id', answers('Change a tenant: its bot, guilds and DM role (plan fields by the operator only)', 200, TenantAnswer), input('param', TenantParamsSchema), input('json', UpdateTenantSchema), async (c) =>
      c.json({ tenant: await updateTenant(httpContext(c), c.var.principal, c.req.valid('param').id, c.req.valid('json')) }),
    )
    .get('/tenants/:id/users', async (c) => c.json(await listMembers(httpContext(c), c.var.principal, readParams(c, TenantParamsSchema).id)))
    .post('/tenants/:id/users', async (c) => {
      const { id } = readParams(c, TenantParamsSchema);
      const body = await readJson(c, InviteSchema);
      return c.json({ invite: await inviteMember(httpContext(c), c.var.principal, id, body) }, 201);
    })
    .put('/tenants/:id/users/:userId', async (c) => {
      const { id, userId } = readParams(c, MemberParamsSchema);
      const { role } = await readJson(c, MemberRoleSchema);
      return c.json({ member: await changeMemberRole(httpContext(c), c.var.principal, id, userId, role) });
    })
    .delete('/tenants/:id/users/:userId', async (c) => {
      const { id, userId } = readParams(c, MemberParamsSchema);
      return c.json(await changeMemberRole(httpContext(c), c.var.principal, id, userId, null));
    })
    .delete('/tenants/:id/invites/:inviteId', async (c) => {
      const { id, inviteId } = readParams(c, InviteParamsSchema);
      return c.json(await withdrawInvite(httpContext(c), c.var.principal, id, inviteId));
    });
}
