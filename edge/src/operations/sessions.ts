import { findSessionTenant, listSessions as readSessions, type SessionState } from '@glyphoxa/db';
import type { NpcCommand } from '@glyphoxa/protocol';
import { audit } from '../audit.ts';
import { MAX_WAIT_ACTIVE_MS } from '../durable/config.ts';
import type { StartRequest } from '../durable/coordinator/tenant-coordinator.ts';
import { unwrap } from '../durable/outcome.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { viewSessionRow } from '../views/session.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';

/** Starts a voice session in the tenant; `waitActive` holds the answer until a node has joined. */
export async function startSession(ctx: OperationContext, principal: Principal, tenantId: string, request: StartRequest, options: { waitActive?: boolean } = {}) {
  authorize(principal, 'sessions.run', tenantId);
  const session = unwrap(await coordinatorOf(ctx.env, tenantId).startSession(request, options.waitActive ? { waitActiveMs: MAX_WAIT_ACTIVE_MS } : {}));
  await audit(ctx, principal, { tenantId, action: 'session.start', target: session.id, detail: { guild_id: request.guild_id }, after: session });
  return session;
}

export async function listSessions(ctx: OperationContext, principal: Principal, tenantId: string, query: { state?: SessionState; limit: number }) {
  authorize(principal, 'sessions.view', tenantId);
  return (await readSessions(ctx.db(), tenantId, query)).map(viewSessionRow);
}

export async function stopSession(ctx: OperationContext, principal: Principal, sessionId: string) {
  const tenantId = await sessionTenant(ctx, principal, sessionId, 'sessions.run');
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
async function sessionTenant(ctx: OperationContext, principal: Principal, sessionId: string, action: 'sessions.view' | 'sessions.run'): Promise<string> {
  const missing = () => new ApiError(404, 'session_not_found', `No session ${sessionId}`);
  let tenantId = sessionOwners.get(sessionId) ?? null;
  if (!tenantId) {
    tenantId = await findSessionTenant(ctx.db(), sessionId);
    if (!tenantId) throw missing();
    if (sessionOwners.size >= SESSION_OWNERS_MAX) sessionOwners.delete(sessionOwners.keys().next().value!);
    sessionOwners.set(sessionId, tenantId);
  }
  authorize(principal, action, tenantId, missing);
  return tenantId;
}
