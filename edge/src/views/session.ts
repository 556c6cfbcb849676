import { sessionEndReason, sessionState, type Session, type SessionEntry } from '@glyphoxa/db';
import * as v from 'valibot';
import { TranscriptToolSchema } from '@glyphoxa/protocol';
import { sessionRowOf, type LiveSession } from '../durable/coordinator/store.ts';

/** A session on the wire, whether read from Postgres or from its coordinator. */
export const SessionViewSchema = v.object({
  id: v.string(),
  tenant_id: v.string(),
  campaign_id: v.nullable(v.string()),
  guild_id: v.string(),
  channel_id: v.string(),
  started_by: v.string(),
  state: v.picklist(sessionState.enumValues),
  node_id: v.nullable(v.string()),
  started_at: v.string(),
  ended_at: v.nullable(v.string()),
  end_reason: v.nullable(v.picklist(sessionEndReason.enumValues)),
  last_heartbeat_at: v.nullable(v.string()),
  /** Only in the answer to a start of a `websocket` session: how the browser connects. */
  audio: v.optional(v.object({ transport: v.literal('websocket'), url: v.nullable(v.string()), token: v.string() })),
});
export type SessionView = v.InferOutput<typeof SessionViewSchema>;

/** A transcript line on the wire. */
export const TranscriptLineViewSchema = v.object({
  id: v.number(),
  speaker_id: v.string(),
  speaker_name: v.string(),
  npc: v.boolean(),
  text: v.string(),
  spoken_at: v.string(),
  /** A tool event: the NPC's tool call and its result (null for speech). */
  tool: v.nullable(TranscriptToolSchema),
});

export function viewTranscriptLine(e: SessionEntry): v.InferOutput<typeof TranscriptLineViewSchema> {
  return { id: e.id, speaker_id: e.speakerId, speaker_name: e.speakerName, npc: e.npc, text: e.text, spoken_at: e.spokenAt.toISOString(), tool: e.tool };
}

const iso = (t: Date | null) => (t === null ? null : t.toISOString());

export function viewSessionRow(s: Session): SessionView {
  return {
    id: s.id,
    tenant_id: s.tenantId,
    campaign_id: s.campaignId,
    guild_id: s.guildId,
    channel_id: s.channelId,
    started_by: s.startedBy,
    state: s.state,
    node_id: s.nodeId,
    started_at: iso(s.startedAt)!,
    ended_at: iso(s.endedAt),
    end_reason: s.endReason,
    last_heartbeat_at: iso(s.lastHeartbeatAt),
  };
}

/** A coordinator's live session, in the same shape as the row it writes through. */
export function viewLiveSession(tenantId: string, s: LiveSession): SessionView {
  return viewSessionRow(sessionRowOf(tenantId, s));
}
