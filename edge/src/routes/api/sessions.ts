import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { LIVE_SUBPROTOCOL, LiveTranscriptMessageSchema } from '@glyphoxa/protocol';
import { offeredSubprotocols } from '../../auth/websocket-bearer.ts';
import { activeSessions, browserTable, getSession, listSessions, liveTranscript, recapSession, sessionTranscript, startSession, stopSession } from '../../operations/sessions.ts';
import { actorOf } from '../../principal.ts';
import { StartSessionQuerySchema, TenantParamsSchema } from '../admin-schemas.ts';
import { answers, answersUpgrade, input } from './contract.ts';
import {
  RecapAnswer,
  SessionAnswer,
  SessionListQuerySchema,
  SessionParamsSchema,
  SessionsAnswer,
  SessionsPageAnswer,
  TranscriptAnswer,
  TranscriptQuerySchema,
  WebStartSessionSchema,
} from './session-schemas.ts';

/** A tenant's sessions: starting one, history, the running ones, one, its transcript (paged or live) and recap, stopping it; over operations/sessions.ts. */
export function sessionRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/sessions', answers('List sessions, newest first', 200, SessionsPageAnswer), input('param', TenantParamsSchema), input('query', SessionListQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const filter = { state: q.state, campaignId: q.campaign_id, from: q.from, to: q.to, before: q.before, limit: q.limit };
      return c.json(await listSessions(httpContext(c), c.var.principal, c.req.valid('param').id, filter));
    })
    .post(
      '/tenants/:id/sessions',
      answers('Start a session in a voice channel (transport discord) or for a browser (websocket); ?wait=active answers once a node runs it', 201, SessionAnswer),
      input('param', TenantParamsSchema),
      input('query', StartSessionQuerySchema),
      input('json', WebStartSessionSchema),
      async (c) => {
        const principal = c.var.principal;
        // Who started it, as the audit names them (Discord's starts name the member's Discord id).
        const body = c.req.valid('json');
        const table = browserTable();
        const request = { ...body, guild_id: body.guild_id ?? table, channel_id: body.channel_id ?? table, started_by: actorOf(principal) };
        const session = await startSession(httpContext(c), principal, c.req.valid('param').id, request, { waitActive: c.req.valid('query').wait === 'active' });
        return c.json({ session }, 201);
      },
    )
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
    .get('/tenants/:id/sessions/:sessionId/live', answersUpgrade("The session's transcript live, each line as it is spoken, then `ended`", LiveTranscriptMessageSchema), input('param', SessionParamsSchema), async (c) => {
      const { id, sessionId } = c.req.valid('param');
      // The credential stays at this door: the coordinator gets the upgrade, not the token.
      const upgrade = new Request(c.req.url, { headers: { upgrade: c.req.header('upgrade') ?? '' } });
      const res = await liveTranscript(httpContext(c), c.var.principal, sessionId, upgrade, id);
      if (!res.webSocket || !offeredSubprotocols(c.req.header('sec-websocket-protocol')).includes(LIVE_SUBPROTOCOL)) return res;
      // A browser that offered subprotocols drops the socket unless the answer picks one.
      return new Response(null, { status: 101, webSocket: res.webSocket, headers: { 'sec-websocket-protocol': LIVE_SUBPROTOCOL } });
    })
    .post('/tenants/:id/sessions/:sessionId/recap', answers("The session's recap: written once by the tenant's LLM (else the transcript's key lines), kept once it ended", 200, RecapAnswer), input('param', SessionParamsSchema), async (c) => {
      const { id, sessionId } = c.req.valid('param');
      return c.json({ recap: await recapSession(httpContext(c), c.var.principal, sessionId, id) });
    })
    .post('/tenants/:id/sessions/:sessionId/stop', answers('Stop a session', 200, SessionAnswer), input('param', SessionParamsSchema), async (c) => {
      const { id, sessionId } = c.req.valid('param');
      return c.json({ session: await stopSession(httpContext(c), c.var.principal, sessionId, id) });
    });
}
