import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { httpContext } from '../operations/context.ts';
import { commandNpcs, listSessions, startSession, stopSession } from '../operations/sessions.ts';
import { readJson, readParams, readQuery } from '../validation.ts';
import { NpcCommandBodySchema, SessionParamsSchema, SessionStateQuerySchema, StartSessionQuerySchema, StartSessionSchema, TenantParamsSchema } from './admin-schemas.ts';

/** Sessions for operators and tests, over operations/sessions.ts (as the slash commands and dashboard). */
export function adminSessionRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/tenants/:id/sessions', async (c) => {
    const { id: tenantId } = readParams(c, TenantParamsSchema);
    const body = await readJson(c, StartSessionSchema);
    const { wait } = readQuery(c, StartSessionQuerySchema);
    return c.json({ session: await startSession(httpContext(c), c.var.principal, tenantId, body, { waitActive: wait === 'active' }) }, 201);
  });

  app.get('/tenants/:id/sessions', async (c) => {
    const { id: tenantId } = readParams(c, TenantParamsSchema);
    const query = readQuery(c, SessionStateQuerySchema);
    return c.json(await listSessions(httpContext(c), c.var.principal, tenantId, { state: query.state, limit: query.limit }));
  });

  app.post('/sessions/:id/stop', async (c) => c.json({ session: await stopSession(httpContext(c), c.var.principal, readParams(c, SessionParamsSchema).id) }));

  app.post('/sessions/:id/npc', async (c) => {
    const { id: sessionId } = readParams(c, SessionParamsSchema);
    const command = await readJson(c, NpcCommandBodySchema);
    return c.json({ data: await commandNpcs(httpContext(c), c.var.principal, sessionId, command) });
  });

  return app;
}
