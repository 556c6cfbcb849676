import { useQuery } from '@tanstack/react-query';
import { useEffect, useId } from 'react';
import { nextStep } from '../api/errors.ts';
import { Alert } from '../components/ui/alert.tsx';
import { Label } from '../components/ui/label.tsx';
import { cn } from '../lib/cn.ts';
import { SELECT_CLASS } from '../settings/role-options.tsx';
import { botGuildsQuery, voiceChannelsQuery } from './discord-queries.ts';

/** A Discord server of the team's bot and one of its voice channels ('' while none is picked). */
export interface ServerChannel {
  guildId: string;
  channelId: string;
}

const select = cn(SELECT_CLASS, 'w-full');

/**
 * The server and voice channel a session runs in (or is filed under), as Discord reports them
 * for the team's bot: the servers, then the picked one's voice channels, the first of them
 * picked once they load. Every failure or gap says what to do. `only`: offer just these
 * servers (onboarding's picks); `noServer`: the label of an empty choice (a browser table
 * needs no server); `enabled`: false when the team has no bot to ask Discord with.
 */
export function ServerChannelPicker({
  tenantId,
  value,
  onChange,
  only,
  noServer,
  channelLabel = 'Voice channel',
  enabled = true,
}: {
  tenantId: string;
  value: ServerChannel;
  onChange: (value: ServerChannel) => void;
  only?: string[];
  noServer?: string;
  channelLabel?: string;
  enabled?: boolean;
}) {
  const id = useId();
  const guilds = useQuery({ ...botGuildsQuery(tenantId), enabled });
  const offered = (guilds.data ?? []).filter((g) => !only || only.includes(g.id));
  const channels = useQuery({ ...voiceChannelsQuery(tenantId, value.guildId), enabled: enabled && value.guildId !== '' });
  const first = channels.data?.[0]?.id;
  useEffect(() => {
    if (value.guildId !== '' && value.channelId === '' && first) onChange({ guildId: value.guildId, channelId: first });
  }, [value.guildId, value.channelId, first, onChange]);

  return (
    <>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${id}-guild`}>Server</Label>
        <select id={`${id}-guild`} className={select} value={value.guildId} disabled={offered.length === 0} onChange={(e) => onChange({ guildId: e.currentTarget.value, channelId: '' })}>
          <option value="">{guilds.isLoading ? 'Loading the bot’s servers…' : (noServer ?? 'Pick a server')}</option>
          {offered.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${id}-channel`}>{channelLabel}</Label>
        <select id={`${id}-channel`} className={select} value={value.channelId} disabled={!channels.data?.length} onChange={(e) => onChange({ guildId: value.guildId, channelId: e.currentTarget.value })}>
          <option value="">{value.guildId && channels.isPending ? 'Loading channels…' : value.guildId && channels.data?.length === 0 ? 'No voice channel here' : 'Pick a channel'}</option>
          {channels.data?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.type === 'stage' ? `${c.name} (stage)` : c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-2 sm:col-span-full empty:hidden">
        {guilds.error ? (
          <Alert tone="error">
            The bot's servers could not be read: {guilds.error.message}. {nextStep(guilds.error)}
          </Alert>
        ) : guilds.data && offered.length === 0 ? (
          <Alert>{only ? "The team's bot is in none of the servers picked during setup." : "The team's bot is in no Discord server yet."} Invite it to your server from Discord's developer portal (OAuth2 URL generator, scope bot), then reload.</Alert>
        ) : null}
        {channels.error && (
          <Alert tone="error">
            The server's channels could not be read: {channels.error.message}. {nextStep(channels.error)}
          </Alert>
        )}
        {channels.data?.length === 0 && <Alert>This server has no voice channel the bot can join: add one in Discord, or pick another server.</Alert>}
      </div>
    </>
  );
}
