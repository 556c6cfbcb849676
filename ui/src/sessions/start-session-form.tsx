import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Headphones, Play } from 'lucide-react';
import { useId, useState } from 'react';
import { api } from '../api/client.ts';
import { campaignsQuery } from '../campaigns/campaign-queries.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Label } from '../components/ui/label.tsx';
import { tenantQuery } from '../onboarding/onboarding-queries.ts';
import { joinLink } from '../talk/join-link.ts';
import { usageKeys } from '../usage/usage-queries.ts';
import { ServerChannelPicker, type ServerChannel } from './server-channel-picker.tsx';
import { sessionKeys } from './session-queries.ts';
import { cn } from '../lib/cn.ts';
import { SELECT_CLASS } from '../settings/role-options.tsx';

type Transport = 'discord' | 'websocket';
const select = cn(SELECT_CLASS, 'w-full');

/**
 * Starts a session (owners and DMs): in a voice channel the team's bot can join, or in the
 * browser, where players join by a link; the server and channel come from what the bot sees.
 * A browser session needs no server (a team without a bot has none): it is then a table of its
 * own. The answer comes once a voice node runs it.
 */
export function StartSessionForm({ tenantId }: { tenantId: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const tenant = useQuery(tenantQuery(tenantId));
  // Without a bot token the edge has nothing to ask Discord with: the browser is the way, and nobody asks Discord.
  const hasBot = tenant.data?.has_bot_token === true;
  const [picked, setTransport] = useState<Transport | null>(null);
  const transport = picked ?? (tenant.data && !hasBot ? 'websocket' : 'discord');
  const [where, setWhere] = useState<ServerChannel>({ guildId: '', channelId: '' });
  const [campaignId, setCampaignId] = useState('');
  const [joinUrl, setJoinUrl] = useState<string | null>(null);
  const campaigns = useQuery(campaignsQuery(tenantId));
  const starting = useMutation({
    mutationFn: async () => {
      const json = { transport, ...(where.guildId ? { guild_id: where.guildId, channel_id: where.channelId } : {}), ...(campaignId ? { campaign_id: campaignId } : {}) };
      return (await (await api.tenants[':id'].sessions.$post({ param: { id: tenantId }, query: { wait: 'active' }, json })).json()).session;
    },
    onSuccess: async (session) => {
      setJoinUrl(session.audio?.url ? joinLink(location.origin, session.id, { url: session.audio.url, token: session.audio.token }) : null);
      await Promise.all([queryClient.invalidateQueries({ queryKey: sessionKeys.list(tenantId) }), queryClient.invalidateQueries({ queryKey: usageKeys.all(tenantId) })]);
      await navigate({ to: '/teams/$tenantId/sessions', params: { tenantId }, search: (s) => ({ ...s, session: session.id }) });
    },
  });
  // Discord needs a server and channel; the browser needs none, or both.
  const placed = transport === 'discord' ? where.guildId !== '' && where.channelId !== '' : where.guildId === '' || where.channelId !== '';
  const ready = tenant.data !== undefined && placed && !starting.isPending;

  return (
    <form
      aria-label="Start a session"
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) starting.mutate();
      }}
    >
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">Where the table talks</legend>
        {(
          [
            ['discord', 'In a Discord voice channel', 'The bot joins the channel; the NPCs speak there.'],
            ['websocket', 'In the browser', 'Nobody joins Discord: you and your players talk to the NPCs from a link, on any device.'],
          ] as const
        ).map(([value, label, hint]) => (
          <label key={value} className="flex items-start gap-2 text-sm">
            <input type="radio" name={`${id}-transport`} value={value} checked={transport === value} onChange={() => setTransport(value)} className="mt-1 size-4 accent-primary" />
            <span>
              {label}
              <span className="block text-muted-foreground">{hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {tenant.data && !hasBot && (
        <Alert>
          {transport === 'discord'
            ? "The team has no Discord bot yet, and a Discord session needs its server and voice channel. Add the bot's token in the team's settings, or start the session in the browser."
            : 'The team has no Discord bot: the session is a table of its own in the browser. Start it, then send your players its join link.'}
        </Alert>
      )}

      <div className="grid gap-4 sm:grid-cols-3">
        {hasBot && (
          <ServerChannelPicker
            tenantId={tenantId}
            value={where}
            onChange={setWhere}
            channelLabel={transport === 'discord' ? 'Voice channel' : 'Voice channel of the table'}
            {...(transport === 'websocket' && { noServer: 'No server: a table of its own' })}
          />
        )}
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-campaign`}>Campaign</Label>
          <select id={`${id}-campaign`} className={select} value={campaignId} onChange={(e) => setCampaignId(e.target.value)}>
            <option value="">The team's current campaign</option>
            {campaigns.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>

      <Button type="submit" className="self-start" disabled={!ready}>
        {transport === 'discord' ? <Play aria-hidden="true" /> : <Headphones aria-hidden="true" />}
        {starting.isPending ? 'Starting… waiting for a voice node' : 'Start session'}
      </Button>
      <FailureAlert failure={starting.error} fallback="The session did not start" />
      {joinUrl && (
        <Alert>
          <p className="mb-2">
            The session runs in the browser.{' '}
            <a href={joinUrl} target="_blank" rel="noopener" className="font-medium text-primary underline-offset-4 hover:underline">
              Join it in a new tab
            </a>
            , and send your players the link:
          </p>
          <CopyButton text={joinUrl} label="Copy the join link" what="The join link" />
        </Alert>
      )}
    </form>
  );
}
