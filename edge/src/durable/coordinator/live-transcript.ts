import type { SessionEntry } from '@glyphoxa/db';
import type { LiveTranscriptLine } from '@glyphoxa/protocol';
import type { Bindings } from '../../env.ts';
import { errorBody } from '../../errors.ts';
import { coordinatorOf } from '../stubs.ts';

/** The coordinator's upgrade path for a session's live transcript: `/live/<session id>`. */
const LIVE_PATH = '/live/';

/** What a listener's socket carries across hibernation; its tag is the session id. */
export interface LiveListener {
  sessionId: string;
}

/**
 * Opens a live transcript of the tenant's session on the WebSocket upgrade `request`: the
 * socket is held by the tenant's coordinator, which pushes each new line and, when the session
 * ends, `ended` before closing it. The caller (the route) has checked who may listen.
 */
export function openLiveTranscript(env: Pick<Bindings, 'TENANT_COORDINATOR'>, tenantId: string, sessionId: string, request: Request): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    return Promise.resolve(Response.json(errorBody('upgrade_required', 'A live transcript is a WebSocket: send an upgrade request'), { status: 426 }));
  }
  return coordinatorOf(env, tenantId).fetch(new Request(`http://coordinator${LIVE_PATH}${encodeURIComponent(sessionId)}`, { headers: request.headers }));
}

/** The session a coordinator upgrade request is for, or null when it is none. */
export function liveSessionOf(request: Request): string | null {
  const { pathname } = new URL(request.url);
  if (!pathname.startsWith(LIVE_PATH) || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return null;
  return decodeURIComponent(pathname.slice(LIVE_PATH.length)) || null;
}

/** A stored line as its listeners get it. */
export const liveLine = (entry: SessionEntry): LiveTranscriptLine => ({
  type: 'line',
  speaker_id: entry.speakerId,
  speaker_name: entry.speakerName,
  npc: entry.npc,
  text: entry.text,
  at: entry.spokenAt.toISOString(),
  ...(entry.tool ? { tool: entry.tool } : {}),
});
