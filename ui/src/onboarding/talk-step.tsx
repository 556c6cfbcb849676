import { useSuspenseQuery } from '@tanstack/react-query';
import { Headphones } from 'lucide-react';
import { useState } from 'react';
import { meQuery } from '../account/me-query.ts';
import { api } from '../api/client.ts';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { TalkConnection } from '../talk/talk-connection.ts';
import { TalkPanel } from '../talk/talk-panel.tsx';
import { ServerChannelPicker, type ServerChannel } from '../sessions/server-channel-picker.tsx';

interface Live {
  sessionId: string;
  connection: TalkConnection;
}

/**
 * The end of onboarding: a browser-audio session of the new campaign on a voice node, the
 * DM talking (microphone or typed) to the NPC they just made and hearing it answer. The
 * session is filed under one of the bot's servers and voice channels, as every session is;
 * leaving stops it, so it never runs on unattended.
 */
export function TalkStep({ tenantId, campaignId, npcName, guildIds }: { tenantId: string; campaignId: string; npcName: string; guildIds: string[] }) {
  const { data: me } = useSuspenseQuery(meQuery);
  const [where, setWhere] = useState<ServerChannel>({ guildId: guildIds[0] ?? '', channelId: '' });
  const [live, setLive] = useState<Live | null>(null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const start = async () => {
    setFailure(null);
    setStarting(true);
    try {
      const json = { guild_id: where.guildId, channel_id: where.channelId, campaign_id: campaignId, transport: 'websocket' as const };
      const { session } = await (await api.tenants[':id'].sessions.$post({ param: { id: tenantId }, query: { wait: 'active' }, json })).json();
      if (!session.audio?.url) throw new Error('The session started, but its voice node has no address a browser can reach. Ask the operator to set the node’s public URL');
      setLive({ sessionId: session.id, connection: new TalkConnection({ url: session.audio.url, token: session.audio.token, speakerId: `web-${me.user.id}`, speakerName: me.user.display_name }) });
    } catch (error) {
      setFailure(error);
    } finally {
      setStarting(false);
    }
  };
  const leave = async () => {
    if (!live) return;
    setLive(null);
    await api.tenants[':id'].sessions[':sessionId'].stop.$post({ param: { id: tenantId, sessionId: live.sessionId } }).catch(setFailure);
  };

  if (live) return <TalkPanel connection={live.connection} onLeave={() => void leave()} />;
  return (
    <div className="flex flex-col gap-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <ServerChannelPicker tenantId={tenantId} value={where} onChange={setWhere} only={guildIds} />
      </div>
      <p className="text-sm text-muted-foreground">The conversation runs in this browser; the session is filed under this server and channel, as sessions from Discord are.</p>
      <FailureAlert failure={failure} fallback="Starting failed" />
      <Button className="self-start" onClick={() => void start()} disabled={starting || !where.channelId}>
        <Headphones aria-hidden="true" />
        {starting ? 'Starting a session on a voice node…' : `Talk to ${npcName}`}
      </Button>
    </div>
  );
}
