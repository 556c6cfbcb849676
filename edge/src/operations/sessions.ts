import { findSessionTenant, listSessionEntries, listSessions as readSessions, sessionOf, type SessionFilter } from '@glyphoxa/db';
import type { NpcCommand } from '@glyphoxa/protocol';
import { audit } from '../audit.ts';
import { MAX_WAIT_ACTIVE_MS } from '../durable/config.ts';
import { openLiveTranscript } from '../durable/coordinator/live-transcript.ts';
import type { StartRequest } from '../durable/coordinator/tenant-coordinator.ts';
import { unwrap } from '../durable/outcome.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { sessionRecap } from '../recap/session-recap.ts';
import { viewRecap } from '../views/recap.ts';
import { viewSessionRow, viewTranscriptLine } from '../views/session.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';

/**
 * Where a browser session started without a Discord server is filed (its guild and channel):
 * a table of its own, so such sessions run side by side (a server has one live session).
 */
export const browserTable = () => `browser-${crypto.randomUUID()}`;

/** Starts a voice session in the tenant; `waitActive` holds the answer until a node has joined. */
export async function startSession(ctx: OperationContext, principal: Principal, tenantId: string, request: StartRequest, options: { waitActive?: boolean } = {}) {
  authorize(principal, 'sessions.run', tenantId);
  const session = unwrap(await coordinatorOf(ctx.env, tenantId).startSession(request, options.waitActive ? { waitActiveMs: MAX_WAIT_ACTIVE_MS } : {}));
  await audit(ctx, principal, { tenantId, action: 'session.start', target: session.id, detail: { guild_id: request.guild_id }, after: session });
  return session;
}

/** The tenant's sessions, newest first; `next_before` pages on (null: this was the last page). */
export async function listSessions(ctx: OperationContext, principal: Principal, tenantId: string, filter: SessionFilter) {
  authorize(principal, 'sessions.view', tenantId);
  const sessions = (await readSessions(ctx.db(), tenantId, filter)).map(viewSessionRow);
  return { sessions, next_before: sessions.length === filter.limit ? sessions.at(-1)!.id : null };
}

/** The sessions running now (pending or active), as the tenant's coordinator, their single writer, holds them. */
export async function activeSessions(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'sessions.view', tenantId);
  return coordinatorOf(ctx.env, tenantId).liveSessions();
}

export async function getSession(ctx: OperationContext, principal: Principal, sessionId: string, inTenant?: string) {
  const tenantId = await sessionTenant(ctx, principal, sessionId, 'sessions.view', inTenant);
  const session = await sessionOf(ctx.db(), tenantId, sessionId);
  if (!session) throw sessionMissing(sessionId)();
  return viewSessionRow(session);
}

/** A page of the session's transcript in spoken order; `next_after` pages on (null: this was the last page). */
export async function sessionTranscript(ctx: OperationContext, principal: Principal, sessionId: string, page: { after?: number; limit: number }, inTenant?: string) {
  const tenantId = await sessionTenant(ctx, principal, sessionId, 'transcripts.view', inTenant);
  const lines = (await listSessionEntries(ctx.db(), tenantId, sessionId, page.limit, page.after)).map(viewTranscriptLine);
  return { lines, next_after: lines.length === page.limit ? lines.at(-1)!.id : null };
}

/**
 * The session's recap, as `/session recap` gives it in Discord: written once (by the tenant's
 * LLM, else from the transcript's key lines) and kept once the session has ended.
 */
export async function recapSession(ctx: OperationContext, principal: Principal, sessionId: string, inTenant?: string) {
  const tenantId = await sessionTenant(ctx, principal, sessionId, 'transcripts.view', inTenant);
  const found = await sessionRecap({ db: ctx.db(), secretKeys: ctx.env.SECRET_KEYS, tenantId, log: ctx.log }, sessionId);
  if ('missing' in found) throw new ApiError(409, 'nothing_to_recap', found.missing);
  return viewRecap(found);
}

/**
 * Opens the session's live transcript on the WebSocket upgrade `request`: its tenant's
 * coordinator holds the socket and pushes each line as it is stored, then `ended`.
 */
export async function liveTranscript(ctx: OperationContext, principal: Principal, sessionId: string, request: Request, inTenant?: string): Promise<Response> {
  const tenantId = await sessionTenant(ctx, principal, sessionId, 'transcripts.view', inTenant);
  return openLiveTranscript(ctx.env, tenantId, sessionId, request);
}

/** `inTenant`: the tenant the door named (a path's `:id`); a session of another is not found. */
export async function stopSession(ctx: OperationContext, principal: Principal, sessionId: string, inTenant?: string) {
  const tenantId = await sessionTenant(ctx, principal, sessionId, 'sessions.run', inTenant);
  const session = unwrap(await coordinatorOf(ctx.env, tenantId).stopSession(sessionId));
  await audit(ctx, principal, { tenantId, action: 'session.stop', target: sessionId, after: session });
  return session;
}

/** Mutes, unmutes, lists or voices the session's NPCs. */
export async function commandNpcs(ctx: OperationContext, principal: Principal, sessionId: string, command: Omit<NpcCommand, 'type' | 'request_id' | 'session_id'>) {
  const tenantId = await sessionTenant(ctx, principal, sessionId, command.action === 'list' ? 'sessions.view' : 'sessions.run');
  const data = unwrap(await coordinatorOf(ctx.env, tenantId).npcCommand(sessionId, command));
  if (command.action !== 'list') await audit(ctx, principal, { tenantId, action: `npc.${command.action}`, target: sessionId, detail: 'name' in command ? { name: command.name } : {} });
  return data;
}

/**
 * Which tenant a session belongs to never changes, so the answer is kept for
 * the isolate's life (bounded): repeated commands to a running session skip
 * Postgres. A session that has since ended is the coordinator's to refuse.
 */
const SESSION_OWNERS_MAX = 10_000;
const sessionOwners = new Map<string, string>();

/** The session's tenant, once the principal may act there; another tenant's session does not exist for it. */
async function sessionTenant(ctx: OperationContext, principal: Principal, sessionId: string, action: 'sessions.view' | 'sessions.run' | 'transcripts.view', inTenant?: string): Promise<string> {
  const missing = sessionMissing(sessionId);
  let tenantId = sessionOwners.get(sessionId) ?? null;
  if (!tenantId) {
    tenantId = await findSessionTenant(ctx.db(), sessionId);
    if (!tenantId) throw missing();
    if (sessionOwners.size >= SESSION_OWNERS_MAX) sessionOwners.delete(sessionOwners.keys().next().value!);
    sessionOwners.set(sessionId, tenantId);
  }
  if (inTenant !== undefined && inTenant !== tenantId) throw missing();
  authorize(principal, action, tenantId, missing);
  return tenantId;
}

const sessionMissing = (sessionId: string) => () => new ApiError(404, 'session_not_found', `No session ${sessionId}`);
