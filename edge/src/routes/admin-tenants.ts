import {
  createTenant,
  deletePoolNodes,
  deleteTenant,
  effectiveLimits,
  getCampaign,
  getTenant,
  listTenants,
  listUsage,
  periodOf,
  updateTenant,
  type TenantChanges,
} from '@glyphoxa/db';
import { Hono } from 'hono';
import { auditAdmin } from '../audit.ts';
import { forgetTenant } from '../discord/tenant-cache.ts';
import { syncCommandsLater } from '../discord/registration.ts';
import { poolOf } from '../durable/fleet/placement.ts';
import { coordinatorOf, fleetOf } from '../durable/stubs.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { loadKeyring } from '../secrets/keyring.ts';
import { sealSecret } from '../secrets/cipher.ts';
import { readJson, readParams, readQuery } from '../validation.ts';
import { viewTenant } from '../views/tenant.ts';
import { CreateTenantSchema, PageQuerySchema, TenantParamsSchema, UpdateTenantSchema, UsageQuerySchema, type TenantFields } from './admin-schemas.ts';

/** Operators' tenant administration: CRUD and usage. */
export function adminTenantRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/tenants', async (c) => {
    const body = await readJson(c, CreateTenantSchema);
    await mustOwnCampaign(c.var.db(), body.id, body.campaign_id);
    const changes = await toChanges(c.env.SECRET_KEYS, body.id, body);
    const tenant = await createTenant(c.var.db(), { id: body.id, ...changes });
    if (!tenant) throw new ApiError(409, 'tenant_exists', `A tenant with id ${body.id} already exists`, 'id');
    await auditAdmin(c.var.db(), { tenantId: body.id, action: 'tenant.create', target: body.id, detail: { fields: Object.keys(body) } });
    syncCommandsLater(c, null, tenant);
    return c.json({ tenant: viewTenant(tenant) }, 201);
  });

  app.get('/tenants', async (c) => {
    const page = readQuery(c, PageQuerySchema);
    const tenants = await listTenants(c.var.db(), { after: page.after, limit: page.limit });
    const next = tenants.length === page.limit ? tenants.at(-1)!.id : null;
    return c.json({ tenants: tenants.map(viewTenant), next_after: next });
  });

  app.get('/tenants/:id', async (c) => c.json({ tenant: viewTenant(await mustGetTenant(c.var.db(), readParams(c, TenantParamsSchema).id)) }));

  app.put('/tenants/:id', async (c) => {
    const { id } = readParams(c, TenantParamsSchema);
    const body = await readJson(c, UpdateTenantSchema);
    await mustOwnCampaign(c.var.db(), id, body.campaign_id);
    // Naming any of these (re)registers the commands, so the same value again is a retry.
    const commandsChange = REGISTRATION_FIELDS.some((field) => field in body);
    const before = commandsChange ? await getTenant(c.var.db(), id) : null;
    const tenant = await updateTenant(c.var.db(), id, await toChanges(c.env.SECRET_KEYS, id, body));
    if (!tenant) throw notFound(id);
    forgetTenant(id);
    await auditAdmin(c.var.db(), { tenantId: id, action: 'tenant.update', target: id, detail: { fields: Object.keys(body) } });
    if (commandsChange) syncCommandsLater(c, before, tenant);
    return c.json({ tenant: viewTenant(tenant) });
  });

  app.delete('/tenants/:id', async (c) => {
    const { id } = readParams(c, TenantParamsSchema);
    const db = c.var.db();
    const tenant = await mustGetTenant(db, id);
    const endedSessions = await coordinatorOf(c.env, id).deleteTenant();
    if (tenant.licenseTier === 'dedicated') {
      await fleetOf(c.env, poolOf(tenant)).dissolve();
      await deletePoolNodes(db, id);
    }
    await deleteTenant(db, id);
    forgetTenant(id);
    await auditAdmin(db, { tenantId: id, action: 'tenant.delete', target: id, detail: { ended_sessions: endedSessions } });
    syncCommandsLater(c, tenant, null);
    return c.json({ deleted: id, ended_sessions: endedSessions });
  });

  app.get('/tenants/:id/usage', async (c) => {
    const { id } = readParams(c, TenantParamsSchema);
    const query = readQuery(c, UsageQuerySchema);
    const current = periodOf(Date.now());
    const range = { from: query.from ?? current, to: query.to ?? query.from ?? current };
    if (range.from > range.to) throw new ApiError(400, 'invalid_request', 'from: must not be after to', 'from');
    const db = c.var.db();
    const limits = effectiveLimits(await mustGetTenant(db, id));
    const rows = await listUsage(db, id, range);
    // What the coordinator would not count (node numbers past the session's time) or Postgres could not store (set aside).
    const anomalies = await coordinatorOf(c.env, id).usageAnomalies();
    return c.json({
      tenant_id: id,
      quota: { monthly_session_hours: limits.monthlySessionHours, max_concurrent_sessions: limits.maxConcurrentSessions },
      anomalies,
      periods: rows.map((r) => ({
        period: r.period,
        session_hours: r.sessionHours,
        llm_tokens: r.llmTokens,
        stt_seconds: r.sttSeconds,
        tts_chars: r.ttsChars,
        quota_hours: limits.monthlySessionHours,
        remaining_hours: limits.monthlySessionHours === null ? null : Math.max(0, limits.monthlySessionHours - r.sessionHours),
      })),
    });
  });

  return app;
}

export async function mustGetTenant(db: Parameters<typeof getTenant>[0], id: string) {
  const tenant = await getTenant(db, id);
  if (!tenant) throw notFound(id);
  return tenant;
}

/** A current campaign must be one of the tenant's own: the foreign key alone would take anyone's. */
async function mustOwnCampaign(db: Parameters<typeof getCampaign>[0], tenantId: string, campaignId: string | null | undefined): Promise<void> {
  if (campaignId && !(await getCampaign(db, tenantId, campaignId))) {
    throw new ApiError(400, 'invalid_request', "campaign_id: is not one of this tenant's campaigns", 'campaign_id');
  }
}

/** Fields that decide where the tenant's slash commands are registered. */
const REGISTRATION_FIELDS = ['guild_ids', 'bot_token', 'discord_application_id'] as const;

const notFound = (id: string) => new ApiError(404, 'tenant_not_found', `No tenant ${id}`);

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
