import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { Headphones } from 'lucide-react';
import { useId, useState } from 'react';
import { meQuery } from '../account/me-query.ts';
import { api } from '../api/client.ts';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Label } from '../components/ui/label.tsx';
import { SELECT_CLASS } from '../settings/role-options.tsx';
import { TalkConnection } from '../talk/talk-connection.ts';
import { TalkPanel } from '../talk/talk-panel.tsx';
import { botGuildsQuery, voiceChannelsQuery } from '../sessions/discord-queries.ts';

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
  const id = useId();
  const { data: me } = useSuspenseQuery(meQuery);
  const guilds = useQuery(botGuildsQuery(tenantId));
  const choices = (guilds.data ?? []).filter((g) => guildIds.includes(g.id));
  const [guildId, setGuildId] = useState(guildIds[0] ?? '');
  const channels = useQuery({ ...voiceChannelsQuery(tenantId, guildId), enabled: guildId !== '' });
  const [channelId, setChannelId] = useState('');
  const channel = channelId || channels.data?.[0]?.id || '';
  const [live, setLive] = useState<Live | null>(null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const start = async () => {
    setFailure(null);
    setStarting(true);
    try {
      const json = { guild_id: guildId, channel_id: channel, campaign_id: campaignId, transport: 'websocket' as const };
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
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${id}-guild`}>Server</Label>
          <select id={`${id}-guild`} className={SELECT_CLASS} value={guildId} onChange={(e) => (setGuildId(e.currentTarget.value), setChannelId(''))}>
            {choices.length === 0 && <option value={guildId}>{guilds.isPending ? 'Loading…' : guildId}</option>}
            {choices.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-2">
          <Label htmlFor={`${id}-channel`}>Voice channel</Label>
          <select id={`${id}-channel`} className={SELECT_CLASS} value={channel} onChange={(e) => setChannelId(e.currentTarget.value)} disabled={!channels.data?.length}>
            {!channels.data?.length && <option value="">{channels.isPending ? 'Loading…' : 'No voice channel'}</option>}
            {channels.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="text-sm text-muted-foreground">The conversation runs in this browser; the session is filed under this server and channel, as sessions from Discord are.</p>
      {channels.data?.length === 0 && <p className="text-sm text-destructive">This server has no voice channel: add one in Discord, or pick another server.</p>}
      <FailureAlert failure={failure ?? channels.error ?? null} fallback="Starting failed" />
      <Button className="self-start" onClick={() => void start()} disabled={starting || !channel}>
        <Headphones aria-hidden="true" />
        {starting ? 'Starting a session on a voice node…' : `Talk to ${npcName}`}
      </Button>
    </div>
  );
}
