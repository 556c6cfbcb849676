import {
  createTenant as insertTenant,
  deletePoolNodes,
  deleteTenant as removeTenant,
  getCampaign,
  getTenant as readTenant,
  listTenants as readTenants,
  listUsage,
  listUsageDays,
  ZERO_USAGE,
  updateTenant as writeTenant,
  type Db,
  type Tenant,
  type TenantChanges,
  type UsageDay,
} from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { forgetTenant } from '../discord/tenant-cache.ts';
import { syncCommandsLater } from '../discord/registration.ts';
import { poolOf } from '../durable/fleet/placement.ts';
import { coordinatorOf, fleetOf } from '../durable/stubs.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { sealSecret } from '../secrets/cipher.ts';
import { loadKeyring } from '../secrets/keyring.ts';
import { viewTenant } from '../views/tenant.ts';
import { tenantLimits } from '../billing/tenant-limits.ts';
import { daysOf, usageRange, type UsageQuery, type UsageRange } from '../usage/usage-range.ts';
import { viewUsage, type UsagePeriod } from '../views/usage.ts';
import type { TenantFields } from '../routes/admin-schemas.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';

/** What a tenant pays for: set by the operator (and later billing), never by the tenant itself. */
const PLAN_FIELDS = ['license_tier', 'tier', 'monthly_session_hours', 'max_concurrent_sessions'] as const;
/** Fields that decide where the tenant's slash commands are registered. */
const REGISTRATION_FIELDS = ['guild_ids', 'bot_token', 'discord_application_id'] as const;

/** Creates a tenant; a user creating one becomes its owner. */
export async function createTenant(ctx: OperationContext, principal: Principal, input: TenantFields & { id: string }) {
  authorize(principal, principal.kind === 'user' ? 'account.tenants.create' : 'platform.tenants', null);
  if (principal.role !== 'super_admin') mustBeOperator(principal, input);
  const db = ctx.db();
  await mustOwnCampaign(db, input.id, input.campaign_id);
  const changes = await toChanges(ctx.env.SECRET_KEYS, input.id, input);
  const tenant = await insertTenant(db, { id: input.id, ...changes }, principal.userId ?? undefined);
  if (!tenant) throw new ApiError(409, 'tenant_exists', `A tenant with id ${input.id} already exists`, 'id');
  const view = viewTenant(tenant, await tenantLimits(ctx, tenant));
  await audit(ctx, principal, { tenantId: tenant.id, action: 'tenant.create', target: tenant.id, detail: { fields: Object.keys(input) }, after: view });
  syncCommandsLater(ctx, null, tenant);
  return view;
}

export async function getTenant(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'tenant.view', tenantId);
  const tenant = await mustGetTenant(ctx.db(), tenantId);
  return viewTenant(tenant, await tenantLimits(ctx, tenant));
}

export async function listTenants(ctx: OperationContext, principal: Principal, page: { after?: string; limit: number; search?: string }) {
  authorize(principal, 'platform.tenants', null);
  const tenants = await readTenants(ctx.db(), page);
  const views = await Promise.all(tenants.map(async (t) => viewTenant(t, await tenantLimits(ctx, t))));
  return { tenants: views, next_after: tenants.length === page.limit ? tenants.at(-1)!.id : null };
}

export async function updateTenant(ctx: OperationContext, principal: Principal, tenantId: string, input: TenantFields) {
  authorize(principal, 'tenant.settings', tenantId);
  mustBeOperator(principal, input);
  const db = ctx.db();
  await mustOwnCampaign(db, tenantId, input.campaign_id);
  const before = await mustGetTenant(db, tenantId);
  const tenant = await writeTenant(db, tenantId, await toChanges(ctx.env.SECRET_KEYS, tenantId, input));
  if (!tenant) throw notFound(tenantId);
  forgetTenant(tenantId);
  const view = viewTenant(tenant, await tenantLimits(ctx, tenant));
  await audit(ctx, principal, { tenantId, action: 'tenant.update', target: tenantId, detail: { fields: Object.keys(input) }, before: viewTenant(before, await tenantLimits(ctx, before)), after: view });
  // The operator's plan or limits apply from the next start; the coordinator hears of them now.
  if (PLAN_FIELDS.some((field) => input[field] !== undefined)) await coordinatorOf(ctx.env, tenantId).planChanged();
  // Naming any of these (re)registers the commands, so the same value again is a retry.
  if (REGISTRATION_FIELDS.some((field) => field in input)) syncCommandsLater(ctx, before, tenant);
  return view;
}

/** Ends its live sessions, dissolves a dedicated pool, removes every row of it. */
export async function deleteTenant(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'tenant.delete', tenantId);
  const db = ctx.db();
  const tenant = await mustGetTenant(db, tenantId);
  const endedSessions = await coordinatorOf(ctx.env, tenantId).deleteTenant();
  if (tenant.licenseTier === 'dedicated') {
    await fleetOf(ctx.env, poolOf(tenant)).dissolve();
    await deletePoolNodes(db, tenantId);
  }
  await removeTenant(db, tenantId);
  forgetTenant(tenantId);
  await audit(ctx, principal, { tenantId, action: 'tenant.delete', target: tenantId, detail: { ended_sessions: endedSessions }, before: viewTenant(tenant, await tenantLimits(ctx, tenant)) });
  syncCommandsLater(ctx, tenant, null);
  return { deleted: tenantId, ended_sessions: endedSessions };
}

/** Usage per month (default: this month) or per day between two periods, against the tenant's quota. */
export async function tenantUsage(ctx: OperationContext, principal: Principal, tenantId: string, query: UsageQuery) {
  authorize(principal, 'usage.view', tenantId);
  const range = usageRange(query, Date.now());
  const db = ctx.db();
  const { limits } = await tenantLimits(ctx, await mustGetTenant(db, tenantId));
  const rows: UsagePeriod[] = range.granularity === 'month' ? await listUsage(db, tenantId, range) : everyDay(range, await listUsageDays(db, tenantId, range));
  const anomalies = await coordinatorOf(ctx.env, tenantId).usageAnomalies();
  return viewUsage(tenantId, range.granularity, { monthly_session_hours: limits.monthlySessionHours, max_concurrent_sessions: limits.maxConcurrentSessions }, anomalies, rows);
}

/** Each day of the range, zeros where nothing was used, so a chart or a sheet has no gaps. */
function everyDay(range: UsageRange, rows: UsageDay[]): UsagePeriod[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return daysOf(range).map((day) => ({ ...(byDay.get(day) ?? ZERO_USAGE), period: day }));
}

export async function mustGetTenant(db: Db, id: string): Promise<Tenant> {
  const tenant = await readTenant(db, id);
  if (!tenant) throw notFound(id);
  return tenant;
}

const notFound = (id: string) => new ApiError(404, 'tenant_not_found', `No tenant ${id}`);

/** Plan fields are refused, by name, unless the operator sets them. */
function mustBeOperator(principal: Principal, input: TenantFields): void {
  if (principal.role === 'super_admin') return;
  const field = PLAN_FIELDS.find((f) => input[f] !== undefined);
  if (field) throw new ApiError(403, 'forbidden', `${field}: only the operator sets a tenant's plan`, field);
}

/** A current campaign must be one of the tenant's own: the foreign key alone would take anyone's. */
async function mustOwnCampaign(db: Db, tenantId: string, campaignId: string | null | undefined): Promise<void> {
  if (campaignId && !(await getCampaign(db, tenantId, campaignId))) {
    throw new ApiError(400, 'invalid_request', "campaign_id: is not one of this tenant's campaigns", 'campaign_id');
  }
}

/** Wire fields to columns; a bot token is sealed before it goes anywhere. */
async function toChanges(secretKeys: string, tenantId: string, body: TenantFields): Promise<TenantChanges> {
  const changes: TenantChanges = {
    licenseTier: body.license_tier,
    tier: body.tier,
    discordApplicationId: body.discord_application_id,
    discordPublicKey: body.discord_public_key?.toLowerCase() ?? body.discord_public_key,
    guildIds: body.guild_ids,
    dmRoleId: body.dm_role_id,
    campaignId: body.campaign_id,
    monthlySessionHours: body.monthly_session_hours,
    maxConcurrentSessions: body.max_concurrent_sessions,
  };
  if (body.bot_token !== undefined) {
    changes.botTokenEnc =
      body.bot_token === null ? null : await sealSecret(await loadKeyring(secretKeys), body.bot_token, `tenant:${tenantId}:bot_token`);
  }
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as TenantChanges;
}
