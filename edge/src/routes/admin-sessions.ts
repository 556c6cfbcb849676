import { findSessionTenant, listSessions } from '@glyphoxa/db';
import { Hono, type Context } from 'hono';
import { auditAdmin } from '../audit.ts';
import { MAX_WAIT_ACTIVE_MS } from '../durable/config.ts';
import { unwrap } from '../durable/outcome.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { readJson, readParams, readQuery } from '../validation.ts';
import { viewSessionRow } from '../views/session.ts';
import { NpcCommandBodySchema, SessionParamsSchema, SessionStateQuerySchema, StartSessionQuerySchema, StartSessionSchema, TenantParamsSchema } from './admin-schemas.ts';

/** Sessions for operators and tests; the dashboard and slash commands call the same coordinator. */
export function adminSessionRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/tenants/:id/sessions', async (c) => {
    const { id: tenantId } = readParams(c, TenantParamsSchema);
    const body = await readJson(c, StartSessionSchema);
    const { wait } = readQuery(c, StartSessionQuerySchema);
    const options = wait === 'active' ? { waitActiveMs: MAX_WAIT_ACTIVE_MS } : {};
    const session = unwrap(await coordinatorOf(c.env, tenantId).startSession(body, options));
    await auditAdmin(c.var.db(), { tenantId, action: 'session.start', target: session.id, detail: { guild_id: body.guild_id } });
    return c.json({ session }, 201);
  });

  app.get('/tenants/:id/sessions', async (c) => {
    const { id: tenantId } = readParams(c, TenantParamsSchema);
    const query = readQuery(c, SessionStateQuerySchema);
    const rows = await listSessions(c.var.db(), tenantId, { state: query.state, limit: query.limit });
    return c.json({ sessions: rows.map(viewSessionRow) });
  });

  app.post('/sessions/:id/stop', async (c) => {
    const { sessionId, tenantId } = await sessionOwner(c);
    const session = unwrap(await coordinatorOf(c.env, tenantId).stopSession(sessionId));
    await auditAdmin(c.var.db(), { tenantId, action: 'session.stop', target: sessionId });
    return c.json({ session });
  });

  app.post('/sessions/:id/npc', async (c) => {
    const { sessionId, tenantId } = await sessionOwner(c);
    const command = await readJson(c, NpcCommandBodySchema);
    const data = unwrap(await coordinatorOf(c.env, tenantId).npcCommand(sessionId, command));
    if (command.action !== 'list') await auditAdmin(c.var.db(), { tenantId, action: `npc.${command.action}`, target: sessionId });
    return c.json({ data });
  });

  return app;
}

/**
 * Which tenant a session belongs to never changes, so the answer is kept for
 * the isolate's life (bounded): repeated commands to a running session skip
 * Postgres. A session that has since ended is the coordinator's to refuse.
 */
const SESSION_OWNERS_MAX = 10_000;
const sessionOwners = new Map<string, string>();

async function sessionOwner(c: Context<AppEnv>) {
  const { id: sessionId } = readParams(c, SessionParamsSchema);
  let tenantId = sessionOwners.get(sessionId) ?? null;
  if (!tenantId) {
    tenantId = await findSessionTenant(c.var.db(), sessionId);
    if (!tenantId) throw new ApiError(404, 'session_not_found', `No session ${sessionId}`);
    if (sessionOwners.size >= SESSION_OWNERS_MAX) sessionOwners.delete(sessionOwners.keys().next().value!);
    sessionOwners.set(sessionId, tenantId);
  }
  return { sessionId, tenantId };
}
