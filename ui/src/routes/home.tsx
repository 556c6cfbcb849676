import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import { Activity, History, Users } from 'lucide-react';
import { meQuery, ROLE_NAMES, type Me } from '../account/me-query.ts';
import { canManage } from '../account/tenant-role.ts';
import { campaignsQuery } from '../campaigns/campaign-queries.ts';
import { EmptyState } from '../components/states/empty-state.tsx';
import { ErrorState } from '../components/states/error-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Skeleton } from '../components/ui/skeleton.tsx';
import { activeSessionsQuery, recentSessionsQuery, type SessionView } from '../sessions/session-queries.ts';
import { endReasonWords, lengthOf, STATE_NAMES, when } from '../sessions/session-words.ts';
import { useStopSession } from '../sessions/use-stop-session.ts';
import { QuotaMeter } from '../usage/quota-meter.tsx';
import { monthName, monthOf, USAGE_METRICS } from '../usage/usage-metrics.ts';
import { usageQuery } from '../usage/usage-queries.ts';

type Membership = Me['memberships'][number];
const link = 'text-primary underline-offset-4 hover:underline';

/** Where a signed-in user lands: for each of their teams, this month's usage, what runs now and what ran last. */
function Home() {
  const { data: me } = useSuspenseQuery(meQuery);
  return (
    <>
      <h1 className="text-2xl font-semibold">Welcome, {me.user.display_name}</h1>
      {me.memberships.length === 0 ? (
        <EmptyState icon={Users} title="You are not in a team yet">
          Ask a team's owner to invite {me.user.email ?? 'you'}; the team appears here once you accept at your next sign-in.
        </EmptyState>
      ) : (
        me.memberships.map((m) => <TeamOverview key={m.tenant_id} membership={m} />)
      )}
    </>
  );
}

/** One team: its links, the month's usage against its quota, live sessions (with stop) and recent ones. */
function TeamOverview({ membership }: { membership: Membership }) {
  const tenantId = membership.tenant_id;
  return (
    <section aria-labelledby={`team-${tenantId}`} className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-2">
        <h2 id={`team-${tenantId}`} className="text-lg font-semibold">
          Team <span className="font-mono">{tenantId}</span> <span className="text-sm font-normal text-muted-foreground">· {ROLE_NAMES[membership.role]}</span>
        </h2>
        <span className="flex flex-wrap gap-4 text-sm">
          {(['campaigns', 'sessions', 'usage'] as const).map((screen) => (
            <Link key={screen} to={`/teams/$tenantId/${screen}`} params={{ tenantId }} className={link}>
              {screen[0]!.toUpperCase() + screen.slice(1)}
              <span className="sr-only"> of {tenantId}</span>
            </Link>
          ))}
        </span>
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <MonthUsage tenantId={tenantId} />
        <LiveSessions tenantId={tenantId} manage={canManage(membership.role)} />
      </div>
      <RecentSessions tenantId={tenantId} manage={canManage(membership.role)} />
    </section>
  );
}

function MonthUsage({ tenantId }: { tenantId: string }) {
  const month = monthOf(new Date());
  const usage = useQuery(usageQuery(tenantId));
  const totals = usage.data?.periods.find((p) => p.period === month);
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-base">Usage in {monthName(month)}</CardTitle>
        <CardDescription>Against the team's plan; hours count in the UTC month they were spent.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {usage.isPending ? (
          <Skeleton className="h-16" />
        ) : usage.error ? (
          <ErrorState error={usage.error} title="The usage could not be read" onRetry={() => void usage.refetch()} />
        ) : (
          <>
            <QuotaMeter used={totals?.session_hours ?? 0} quota={usage.data.quota.monthly_session_hours} label={`Session hours used this month by ${tenantId}`} />
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
              {USAGE_METRICS.slice(1).map((m) => (
                <div key={m.key} className="contents">
                  <dt className="text-muted-foreground">{m.label}</dt>
                  <dd className="text-right tabular-nums">{m.format(totals?.[m.key] ?? 0)}</dd>
                </div>
              ))}
            </dl>
            <Link to="/teams/$tenantId/usage" params={{ tenantId }} className={`${link} self-start text-sm`}>
              Usage day by day<span className="sr-only"> of {tenantId}</span>
            </Link>
          </>
        )}
      </CardContent>
    </Card>
  );
}

function LiveSessions({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const live = useQuery(activeSessionsQuery(tenantId));
  const campaigns = useQuery(campaignsQuery(tenantId));
  const stopping = useStopSession(tenantId);
  const campaignName = (s: SessionView) => (s.campaign_id ? (campaigns.data?.find((c) => c.id === s.campaign_id)?.name ?? 'A campaign') : 'No campaign');
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-base">Live now</CardTitle>
        <CardDescription>Sessions starting or running in a voice channel or a browser.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {live.isPending ? (
          <Skeleton className="h-16" />
        ) : live.error ? (
          <ErrorState error={live.error} title="The live sessions could not be read" onRetry={() => void live.refetch()} />
        ) : live.data.length === 0 ? (
          <EmptyState icon={Activity} title="Nothing is running">
            {manage ? 'Start a session from the Sessions screen (a Discord voice channel or this browser), or with /session start in Discord.' : 'A session your DM starts shows here while it runs.'}
          </EmptyState>
        ) : (
          <ul aria-label={`Live sessions of ${tenantId}`} className="divide-y rounded-md border">
            {live.data.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 p-3 text-sm">
                <Link to="/teams/$tenantId/sessions" params={{ tenantId }} search={{ session: s.id }} className={link}>
                  {campaignName(s)} · {STATE_NAMES[s.state]} for {lengthOf(s)}
                </Link>
                {manage && (
                  <Button variant="destructive" size="sm" onClick={() => stopping.mutate(s.id)} disabled={stopping.isPending && stopping.variables === s.id}>
                    {stopping.isPending && stopping.variables === s.id ? 'Stopping…' : 'Stop'}
                    <span className="sr-only"> the session of {campaignName(s)} started {when(s.started_at)}</span>
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        <FailureAlert failure={stopping.error} fallback="Stopping did not complete" />
      </CardContent>
    </Card>
  );
}

function RecentSessions({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const recent = useQuery(recentSessionsQuery(tenantId));
  const campaigns = useQuery(campaignsQuery(tenantId));
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-base">Recent sessions</CardTitle>
      </CardHeader>
      <CardContent>
        {recent.isPending ? (
          <Skeleton className="h-16" />
        ) : recent.error ? (
          <ErrorState error={recent.error} title="The recent sessions could not be read" onRetry={() => void recent.refetch()} />
        ) : recent.data.length === 0 ? (
          <EmptyState icon={History} title="No session has ended yet">
            {manage ? 'Once a session ends, its transcript and length are listed here. Create a campaign with an NPC, then start a session.' : 'Sessions of this team are listed here, with their transcripts, once they end.'}
          </EmptyState>
        ) : (
          <ul aria-label={`Recent sessions of ${tenantId}`} className="divide-y rounded-md border">
            {recent.data.map((s) => (
              <li key={s.id}>
                <Link to="/teams/$tenantId/sessions" params={{ tenantId }} search={{ session: s.id }} className="flex flex-wrap items-baseline justify-between gap-2 p-3 text-sm hover:bg-accent">
                  <span className="font-medium">{s.campaign_id ? (campaigns.data?.find((c) => c.id === s.campaign_id)?.name ?? 'A campaign') : 'No campaign'}</span>
                  <span className="text-muted-foreground">
                    {when(s.started_at)} · {lengthOf(s)}
                    {s.end_reason ? ` · ${endReasonWords(s.end_reason)}` : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

export const route = createLazyRoute('/signed-in/')({ component: Home });
