import type { CampaignFacts, NodeMessage, NpcCommand, NpcRoster, Reply, SessionEndReason, SessionNotice, StartSession } from '@glyphoxa/protocol';
import { errorMessage, type Logger } from '@glyphoxa/protocol';
import type { SessionRuntime, StartRuntime } from './session-runtime.ts';

export interface SessionRegistryOptions {
  capacity: number;
  startRuntime: StartRuntime;
  /** Reports to the edge: `session_state` from here, the rest from runtimes. */
  send: (message: NodeMessage) => void;
  log: Logger;
}

interface Entry {
  log: Logger;
  /** Pending while the runtime starts, so capacity counts sessions still starting. */
  runtime: Promise<SessionRuntime>;
}

/** The sessions this node runs: their lifecycle, capacity and state reports. */
export function createSessionRegistry(options: SessionRegistryOptions) {
  const { capacity, startRuntime, send, log } = options;
  const sessions = new Map<string, Entry>();

  const report = (session_id: string, state: 'active' | 'ended', reason?: SessionEndReason, detail?: string) =>
    send({
      type: 'session_state',
      session_id,
      state,
      ...(reason && { reason }),
      ...(detail !== undefined && { detail }),
    });

  const stop = async (session_id: string, reason: SessionEndReason, detail?: string) => {
    const entry = sessions.get(session_id);
    if (!entry) {
      // Not answered: the edge may stop a session it has already forgotten, and a
      // report would only bounce back as another stop.
      return log.debug('stop for a session not running here ignored', { session_id, reason });
    }
    sessions.delete(session_id);
    try {
      await (await entry.runtime).stop(reason);
    } catch (err) {
      entry.log.warn('session stop failed', { error: errorMessage(err) });
    }
    entry.log.info('session ended', { reason, ...(detail !== undefined && { detail }) });
    report(session_id, 'ended', reason, detail);
  };

  return {
    /** Session ids, for heartbeats. */
    ids: (): string[] => [...sessions.keys()],

    get size() {
      return sessions.size;
    },

    async start(assignment: StartSession): Promise<void> {
      const { session_id, tenant_id } = assignment;
      const existing = sessions.get(session_id);
      if (existing) {
        // The edge resends an assignment it is unsure about (e.g. after a reconnect).
        await existing.runtime.then(() => report(session_id, 'active'), () => undefined);
        return;
      }
      if (sessions.size >= capacity) {
        log.warn('session refused: node at capacity', { session_id, tenant_id, capacity });
        report(session_id, 'ended', 'failed', 'node at capacity');
        return;
      }
      const sessionLog = log.with({ session_id, tenant_id });
      const runtime = startRuntime(assignment, {
        log: sessionLog,
        send,
        end: (reason, detail) => void stop(session_id, reason, detail),
      });
      sessions.set(session_id, { log: sessionLog, runtime });
      try {
        await runtime;
      } catch (err) {
        if (sessions.get(session_id)?.runtime === runtime) sessions.delete(session_id);
        sessionLog.error('session failed to start', { error: errorMessage(err) });
        report(session_id, 'ended', 'failed', errorMessage(err));
        return;
      }
      // A stop that arrived while starting has already reported the session ended.
      if (sessions.get(session_id)?.runtime !== runtime) return;
      sessionLog.info('session active', { npcs: assignment.npcs.length });
      report(session_id, 'active');
    },

    stop,

    /** Stops every session, e.g. on shutdown; each is reported ended with `reason`. */
    async stopAll(reason: SessionEndReason): Promise<void> {
      await Promise.all([...sessions.keys()].map((id) => stop(id, reason)));
    },

    /** Passes a notice to its session; one for a session no longer here is dropped. */
    async notify(notice: SessionNotice): Promise<void> {
      const entry = sessions.get(notice.session_id);
      if (!entry) return log.debug('notice for an unknown session dropped', { session_id: notice.session_id });
      (await entry.runtime.catch(() => undefined))?.notice(notice);
    },

    /** Gives its session the campaign's NPCs anew; one for a session no longer here is dropped. */
    async replaceRoster(roster: NpcRoster): Promise<void> {
      const entry = sessions.get(roster.session_id);
      if (!entry) return log.debug('roster for an unknown session dropped', { session_id: roster.session_id });
      (await entry.runtime.catch(() => undefined))?.replaceNpcs(roster.npcs);
    },

    /** Gives its session the campaign's facts anew; one for a session no longer here is dropped. */
    async replaceFacts(facts: CampaignFacts): Promise<void> {
      const entry = sessions.get(facts.session_id);
      if (!entry) return log.debug('facts for an unknown session dropped', { session_id: facts.session_id });
      (await entry.runtime.catch(() => undefined))?.replaceFacts(facts);
    },

    /** Runs an NPC command and builds the reply; never rejects. */
    async command(command: NpcCommand): Promise<Reply> {
      const { request_id, session_id } = command;
      const runtime = await sessions.get(session_id)?.runtime.catch(() => undefined);
      if (!runtime) {
        const message = `This node runs no session ${session_id}`;
        return { type: 'reply', request_id, ok: false, error: { code: 'session_not_found', message } };
      }
      try {
        return { type: 'reply', request_id, ...(await runtime.command(command)) };
      } catch (err) {
        log.error('npc command failed', { session_id, action: command.action, error: errorMessage(err) });
        return { type: 'reply', request_id, ok: false, error: { code: 'internal', message: 'NPC command failed' } };
      }
    },
  };
}

export type SessionRegistry = ReturnType<typeof createSessionRegistry>;
