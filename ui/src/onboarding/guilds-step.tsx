import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ExternalLink, Server } from 'lucide-react';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api/client.ts';
import { EmptyState } from '../components/states/empty-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { botGuildsQuery } from '../sessions/discord-queries.ts';
import { tenantQuery } from './onboarding-queries.ts';
import { botInviteUrl } from './onboarding-steps.ts';

/**
 * Which of the bot's Discord servers get Glyphoxa's slash commands: the guilds are Discord's
 * answer for the tenant's own bot, the choice is saved as the tenant's guild_ids (the edge
 * then registers the commands there). At least one is needed before the next step.
 */
export function GuildsStep({ tenantId, applicationId, chosen }: { tenantId: string; applicationId: string; chosen: string[] }) {
  const guilds = useQuery(botGuildsQuery(tenantId));
  const invite = (
    <a href={botInviteUrl(applicationId)} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 text-primary underline underline-offset-4">
      Add the bot to a server
      <ExternalLink className="size-3.5" aria-hidden="true" />
      <span className="sr-only">(opens Discord in a new tab)</span>
    </a>
  );
  if (guilds.isPending) return <p role="status" className="text-sm text-muted-foreground">Asking Discord which servers your bot is in…</p>;
  if (guilds.isError) {
    return (
      <div className="flex flex-col gap-3">
        <FailureAlert failure={guilds.error} fallback="Discord did not answer" />
        <p className="text-sm">
          If Discord refused the bot, paste its token again in the{' '}
          <Link to="/teams/$tenantId/settings" params={{ tenantId }} className="text-primary underline underline-offset-4">
            team settings
          </Link>
          , then come back here.
        </p>
        <Button variant="outline" className="self-start" onClick={() => void guilds.refetch()}>
          Ask Discord again
        </Button>
      </div>
    );
  }
  if (guilds.data.length === 0) {
    return (
      <EmptyState
        icon={Server}
        title="Your bot is in no server yet"
        action={
          <Button variant="outline" onClick={() => void guilds.refetch()} disabled={guilds.isFetching}>
            {guilds.isFetching ? 'Checking…' : 'I added it: check again'}
          </Button>
        }
      >
        {invite} you manage (Discord asks which one), then check again here.
      </EmptyState>
    );
  }
  return <GuildChoice tenantId={tenantId} guilds={guilds.data} chosen={chosen} invite={invite} />;
}

function GuildChoice({ tenantId, guilds, chosen, invite }: { tenantId: string; guilds: Array<{ id: string; name: string }>; chosen: string[]; invite: ReactNode }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState(() => new Set(chosen.length > 0 ? chosen : guilds.length === 1 ? [guilds[0]!.id] : []));
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const toggle = (guildId: string, on: boolean) => setPicked((now) => (on ? new Set(now).add(guildId) : new Set([...now].filter((g) => g !== guildId))));
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    if (picked.size === 0) return setProblem('Pick at least one server: your players use the slash commands there.');
    setProblem(null);
    setSaving(true);
    try {
      const json = { guild_ids: guilds.map((g) => g.id).filter((g) => picked.has(g)) };
      const { tenant } = await (await api.tenants[':id'].$put({ param: { id: tenantId }, json })).json();
      queryClient.setQueryData(tenantQuery(tenantId).queryKey, tenant);
    } catch (error) {
      setFailure(error);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form onSubmit={save} noValidate aria-label="Pick servers" className="flex flex-col gap-4">
      <fieldset aria-describedby={problem ? `${id}-problem` : undefined} className="flex flex-col gap-2">
        <legend className="mb-2 text-sm font-medium">Servers your bot is in</legend>
        {guilds.map((guild) => (
          <label key={guild.id} className="flex items-center gap-3 rounded-md border p-3 text-sm">
            <input type="checkbox" className="size-4" checked={picked.has(guild.id)} onChange={(e) => toggle(guild.id, e.currentTarget.checked)} />
            {guild.name}
          </label>
        ))}
      </fieldset>
      {problem && (
        <p id={`${id}-problem`} className="text-sm text-destructive">
          {problem}
        </p>
      )}
      <p className="text-sm text-muted-foreground">Not listed? {invite}, then reload this page.</p>
      <FailureAlert failure={failure} fallback="Saving failed" />
      <Button type="submit" className="self-start" disabled={saving}>
        {saving ? 'Saving…' : 'Use these servers'}
      </Button>
    </form>
  );
}
