import type { Session } from '@glyphoxa/db';
import type { LiveSession } from '../durable/coordinator/store.ts';

/** A session on the wire, whether read from Postgres or from its coordinator. */
export interface SessionView {
  id: string;
  tenant_id: string;
  campaign_id: string | null;
  guild_id: string;
  channel_id: string;
  started_by: string;
  state: Session['state'];
  node_id: string | null;
  started_at: string;
  ended_at: string | null;
  end_reason: Session['endReason'];
  last_heartbeat_at: string | null;
  /** Only in the answer to a start of a `websocket` session: how the browser connects. */
  audio?: { transport: 'websocket'; url: string | null; token: string };
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
  const date = (t: number | null) => (t === null ? null : new Date(t));
  return viewSessionRow({
    id: s.id,
    tenantId,
    campaignId: s.campaignId,
    guildId: s.guildId,
    channelId: s.channelId,
    startedBy: s.startedBy,
    state: s.state,
    nodeId: s.nodeId,
    startedAt: new Date(s.createdAt),
    endedAt: date(s.endedAt),
    endReason: s.endReason,
    lastHeartbeatAt: date(s.lastHeartbeatAt),
  });
}
