import { getAccount, getEntity, getLoreDocument, getRelationship, memberRoleOf, tenantOfCampaign } from '@glyphoxa/db';
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../../env.ts';
import { ApiError, notFound } from '../../errors.ts';
import { campaignMissing } from '../../operations/knowledge/campaign-check.ts';
import { entityMissing } from '../../operations/knowledge/entities.ts';
import { documentMissing } from '../../operations/knowledge/lore.ts';
import { relationshipMissing } from '../../operations/knowledge/relationships.ts';
import { readParams, readQuery } from '../../validation.ts';
import { TenantIdSchema } from '../admin-schemas.ts';
import { CampaignParamsSchema } from './campaign-schemas.ts';

/**
 * `/api/v1/campaigns/:campaignId/…` and `POST /api/v1/campaigns/import`: the nested
 * `/api/v1/tenants/:id/…` routes without the tenant in the path. Each request is found its
 * tenant and handed, path rewritten, to the nested routes, so their membership check
 * (tenantMember), operations and audit answer it; the OpenAPI document lists both from the
 * nested routes' declarations (unnestedPaths).
 */

type Db = ReturnType<AppEnv['Variables']['db']>;

/** A campaign's members addressed by their own id on the nested routes (`/tenants/:id/entities/:entityId`). */
const MEMBERS: Record<string, { campaignOf: (db: Db, tenantId: string, id: string) => Promise<{ campaignId: string } | null>; missing: (id: string) => () => ApiError }> = {
  entities: { campaignOf: getEntity, missing: entityMissing },
  relationships: { campaignOf: getRelationship, missing: relationshipMissing },
  lore: { campaignOf: getLoreDocument, missing: documentMissing },
};

const CampaignPathSchema = v.pick(CampaignParamsSchema, ['campaignId']);
const MemberPathSchema = v.object({ ...CampaignPathSchema.entries, member: v.string(), memberId: v.string() });
const UuidSchema = v.pipe(v.string(), v.uuid());
const ImportQuerySchema = v.object({ tenant_id: v.optional(TenantIdSchema) });

/** What a request handed on carries from the call that found its tenant. */
type HandedOn = Pick<AppEnv['Variables'], 'log' | 'principal' | 'db'>;

/**
 * `nested`: the `/api/v1/tenants/:id/…` routes with their membership check. The request handed
 * to them takes on this call's principal, logger and database client, found by the request's
 * identity (which no client can forge, unlike a header): the caller is verified, counted against
 * the rate limit and given a Postgres client once a call, not again for the nested route.
 */
export function unnestedCampaignRoutes(nested: Hono<AppEnv>) {
  const handedOn = new WeakMap<Request, HandedOn>();
  const tenantScoped = new Hono<AppEnv>()
    .use(async (c, next) => {
      const { log, principal, db } = handedOn.get(c.req.raw)!;
      c.set('log', log);
      c.set('principal', principal);
      c.set('db', db);
      await next();
    })
    .route('/', nested)
    .notFound(notFound)
    // Thrown on to the app's onError, which answers this call's errors in the one shape.
    .onError((error) => {
      throw error;
    });
  const dispatch = (c: Context<AppEnv>, path: string) => {
    const url = new URL(c.req.url);
    url.pathname = `/api/v1${path}`;
    const request = new Request(url, c.req.raw);
    handedOn.set(request, { log: c.var.log, principal: c.var.principal, db: c.var.db });
    return tenantScoped.fetch(request, c.env, c.executionCtx);
  };
  const hidden = describeRoute({ hide: true });
  return new Hono<AppEnv>()
    .post('/campaigns/import', hidden, async (c) => dispatch(c, `/tenants/${await importTenant(c)}/campaigns/import`))
    .all('/campaigns/:campaignId/:member/:memberId/*', hidden, async (c) => dispatch(c, await memberPath(c)))
    .all('/campaigns/:campaignId/*', hidden, async (c) => {
      const { campaignId } = readParams(c, CampaignPathSchema);
      const rest = c.req.path.slice(`/api/v1/campaigns/${campaignId}`.length);
      return dispatch(c, `/tenants/${await campaignTenant(c, campaignId)}/campaigns/${campaignId}${rest}`);
    });
}

/** The campaign's tenant when the caller may act there; else the campaign's 404, as for one that does not exist. */
async function campaignTenant(c: Context<AppEnv>, campaignId: string): Promise<string> {
  const principal = c.var.principal;
  const tenantId = await tenantOfCampaign(c.var.db(), campaignId);
  const visible =
    tenantId !== null &&
    (principal.role === 'super_admin' ||
      (principal.kind === 'user' ? (await memberRoleOf(c.var.db(), tenantId, principal.userId!)) !== null : principal.tenantId === tenantId));
  if (!visible) throw campaignMissing(campaignId)();
  return tenantId;
}

/** `/campaigns/:campaignId/entities/:entityId/…` is `/tenants/:id/entities/:entityId/…` when the entity is the campaign's. */
async function memberPath(c: Context<AppEnv>): Promise<string> {
  const { campaignId, member: kind, memberId: id } = readParams(c, MemberPathSchema);
  const tenantId = await campaignTenant(c, campaignId);
  const member = Object.hasOwn(MEMBERS, kind) ? MEMBERS[kind] : undefined;
  if (!member) return `/tenants/${tenantId}/campaigns/${campaignId}${c.req.path.slice(`/api/v1/campaigns/${campaignId}`.length)}`;
  const row = v.is(UuidSchema, id) ? await member.campaignOf(c.var.db(), tenantId, id) : null;
  // A malformed id is the nested route's 400 to give; another campaign's row is a 404.
  if (row && row.campaignId !== campaignId) throw member.missing(id)();
  return `/tenants/${tenantId}${c.req.path.slice(`/api/v1/campaigns/${campaignId}`.length)}`;
}

/** `?tenant_id=`, else the one tenant the caller acts in: an API key's, a user's only membership. */
async function importTenant(c: Context<AppEnv>): Promise<string> {
  const named = readQuery(c, ImportQuerySchema).tenant_id;
  if (named !== undefined) return named;
  const principal = c.var.principal;
  if (principal.kind === 'api_key' && principal.tenantId) return principal.tenantId;
  if (principal.kind === 'user' && principal.role !== 'super_admin') {
    const memberships = (await getAccount(c.var.db(), principal.userId!))?.memberships ?? [];
    if (memberships.length === 1) return memberships[0]!.tenantId;
  }
  throw new ApiError(400, 'invalid_request', 'tenant_id: name the tenant to import into (you act in more than one, or none)', 'tenant_id');
}

/** The OpenAPI document's paths with each nested campaign route listed again at its un-nested path. */
export function unnestedPaths<Paths extends Record<string, Record<string, unknown>>>(paths: Paths): Paths {
  const added: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(paths)) {
    const unnested = unnestedPathOf(path);
    if (unnested) added[unnested.path] = withParameters(item, unnested.parameters);
  }
  return { ...paths, ...added };
}

const CAMPAIGN_ID_PARAMETER = { in: 'path', name: 'campaignId', required: true, schema: { type: 'string', format: 'uuid' } };
const TENANT_ID_PARAMETER = { in: 'query', name: 'tenant_id', required: false, description: 'The tenant to import into; needed when you act in more than one', schema: { type: 'string' } };

function unnestedPathOf(path: string): { path: string; parameters: object[] } | null {
  if (path === '/api/v1/tenants/{id}/campaigns/import') return { path: '/api/v1/campaigns/import', parameters: [TENANT_ID_PARAMETER] };
  const inCampaign = /^\/api\/v1\/tenants\/\{id\}(\/campaigns\/\{campaignId\}.*)$/.exec(path);
  if (inCampaign) return { path: `/api/v1${inCampaign[1]}`, parameters: [] };
  const member = /^\/api\/v1\/tenants\/\{id\}\/(\w+)(\/\{\w+\}.*)$/.exec(path);
  if (member && Object.hasOwn(MEMBERS, member[1]!)) return { path: `/api/v1/campaigns/{campaignId}/${member[1]}${member[2]}`, parameters: [CAMPAIGN_ID_PARAMETER] };
  return null;
}

/** Each operation of `item` without the tenant's path parameter and with `extra`; operation ids kept unique. */
function withParameters(item: Record<string, unknown>, extra: object[]): Record<string, unknown> {
  const operations = Object.entries(item).map(([method, operation]) => {
    const op = operation as { parameters?: Array<{ in: string; name: string }>; operationId?: string };
    const parameters = [...extra, ...(op.parameters ?? []).filter((p) => !(p.in === 'path' && p.name === 'id'))];
    return [method, { ...op, parameters, ...(op.operationId ? { operationId: `${op.operationId}Unnested` } : {}) }];
  });
  return Object.fromEntries(operations);
}
