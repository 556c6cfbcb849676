import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { activeSessions, getSession, listSessions, sessionTranscript, stopSession } from '../../operations/sessions.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { answers, input } from './contract.ts';
import { SessionAnswer, SessionListQuerySchema, SessionParamsSchema, SessionsAnswer, SessionsPageAnswer, TranscriptAnswer, TranscriptQuerySchema } from './session-schemas.ts';

/** A tenant's sessions: history, the running ones, one, its transcript, stopping it; over operations/sessions.ts. */
export function sessionRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/sessions', answers('List sessions, newest first', 200, SessionsPageAnswer), input('param', TenantParamsSchema), input('query', SessionListQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const filter = { state: q.state, campaignId: q.campaign_id, from: q.from, to: q.to, before: q.before, limit: q.limit };
      return c.json(await listSessions(httpContext(c), c.var.principal, c.req.valid('param').id, filter));
    })
    .get('/tenants/:id/sessions/active', answers('The sessions running now', 200, SessionsAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json({ sessions: await activeSessions(httpContext(c), c.var.principal, c.req.valid('param').id) }),
    )
    .get('/tenants/:id/sessions/:sessionId', answers('Get a session', 200, SessionAnswer), input('param', SessionParamsSchema), async (c) => {
      const { id, sessionId } = c.req.valid('param');
      return c.json({ session: await getSession(httpContext(c), c.var.principal, sessionId, id) });
    })
    .get('/tenants/:id/sessions/:sessionId/transcript', answers("A page of a session's transcript", 200, TranscriptAnswer), input('param', SessionParamsSchema), input('query', TranscriptQuerySchema), async (c) => {
      const { id, sessionId } = c.req.valid('param');
      return c.json(await sessionTranscript(httpContext(c), c.var.principal, sessionId, c.req.valid('query'), id));
    })
    .post('/tenants/:id/sessions/:sessionId/stop', answers('Stop a session', 200, SessionAnswer), input('param', SessionParamsSchema), async (c) => {
      const { id, sessionId } = c.req.valid('param');
      return c.json({ session: await stopSession(httpContext(c), c.var.principal, sessionId, id) });
    });
}
