import { useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useParams, useSearch } from '@tanstack/react-router';
import { MessagesSquare, SearchX } from 'lucide-react';
import { Suspense } from 'react';
import { canManage, useTenantRole } from '../account/tenant-role.ts';
import { campaignsQuery } from '../campaigns/campaign-queries.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Skeleton } from '../components/ui/skeleton.tsx';
import { listFilters, SessionFiltersForm } from '../sessions/session-filters.tsx';
import { sessionQuery, sessionsQuery } from '../sessions/session-queries.ts';
import { endReasonWords, lengthOf, STATE_NAMES, when } from '../sessions/session-words.ts';
import { SessionRecap } from '../sessions/session-recap.tsx';
import { StartSessionForm } from '../sessions/start-session-form.tsx';
import { TranscriptPanel } from '../sessions/transcript-panel.tsx';
import { useStopSession } from '../sessions/use-stop-session.ts';

const FROM = '/signed-in/teams/$tenantId/sessions';

/** A team's sessions: start one, the history filtered, and the picked one's transcript (live while it runs). */
function Sessions() {
  const { tenantId } = useParams({ from: FROM });
  const search = useSearch({ from: FROM });
  const { session: picked, ...filters } = search;
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(sessionsQuery(tenantId, listFilters(filters)));
  const { data: campaigns } = useSuspenseQuery(campaignsQuery(tenantId));
  const manage = canManage(useTenantRole(tenantId));
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));
  const list = data.pages.flatMap((p) => p.sessions);
  const filtered = Boolean(filters.state || filters.campaign || filters.from || filters.to);
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Sessions</h1>
      {manage && (
        <Card>
          <CardHeader>
            <CardTitle>Start a session</CardTitle>
            <CardDescription>The NPCs of the campaign join the table. It runs until you stop it, the month's hours run out, or its voice node goes quiet.</CardDescription>
          </CardHeader>
          <CardContent>
            <StartSessionForm tenantId={tenantId} />
          </CardContent>
        </Card>
      )}
      <h2 className="text-lg font-semibold">History</h2>
      <SessionFiltersForm tenantId={tenantId} search={filters} campaigns={campaigns} />
      {list.length === 0 ? (
        filtered ? (
          <EmptyState icon={SearchX} title="No session matches">
            Nothing started in that state, campaign and days. Clear the filters to see every session.
          </EmptyState>
        ) : (
          <EmptyState icon={MessagesSquare} title="No sessions yet">
            {manage ? 'Start one above, or with /session start in Discord; it is listed here with its transcript.' : 'Sessions your DM runs are listed here with their transcripts.'}
          </EmptyState>
        )
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Sessions, newest first</caption>
            <thead className="bg-muted">
              <tr>
                <th scope="col" className="px-2 py-3 font-medium sm:p-3">State</th>
                <th scope="col" className="px-2 py-3 font-medium sm:p-3">Campaign</th>
                <th scope="col" className="px-2 py-3 font-medium sm:p-3">Started</th>
                <th scope="col" className="px-2 py-3 font-medium sm:p-3">Length</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {list.map((s) => (
                <tr key={s.id} aria-current={s.id === picked ? 'true' : undefined} className="aria-[current]:bg-accent">
                  <td className="px-2 py-3 sm:p-3">
                    <Link to="/teams/$tenantId/sessions" params={{ tenantId }} search={{ ...filters, session: s.id }} className="underline-offset-4 hover:underline">
                      {STATE_NAMES[s.state]}
                      <span className="sr-only"> session started {when(s.started_at)}</span>
                    </Link>
                  </td>
                  <td className="px-2 py-3 sm:p-3">{s.campaign_id ? (campaignName.get(s.campaign_id) ?? 'A deleted campaign') : '—'}</td>
                  <td className="px-2 py-3 sm:p-3">{when(s.started_at)}</td>
                  <td className="px-2 py-3 sm:p-3">{lengthOf(s)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {hasNextPage && (
        <Button variant="outline" className="self-start" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Older sessions'}
        </Button>
      )}
      {picked && (
        <Suspense fallback={<Skeleton className="h-40" />}>
          <SessionDetail key={picked} tenantId={tenantId} sessionId={picked} manage={manage} campaignName={campaignName} />
        </Suspense>
      )}
    </>
  );
}

/** One session: when and how long, the stop button while it runs (owners and DMs), its recap once it ended, its transcript. */
function SessionDetail({ tenantId, sessionId, manage, campaignName }: { tenantId: string; sessionId: string; manage: boolean; campaignName: Map<string, string> }) {
  const { data: session } = useSuspenseQuery(sessionQuery(tenantId, sessionId));
  const stopping = useStopSession(tenantId);
  const running = session.state !== 'ended';
  return (
    <Card aria-label={`Session started ${when(session.started_at)}`}>
      <CardHeader>
        <CardTitle>Session started {when(session.started_at)}</CardTitle>
        <CardDescription>
          {session.campaign_id ? (campaignName.get(session.campaign_id) ?? 'A deleted campaign') : 'No campaign'} · {STATE_NAMES[session.state]}
          {running ? ` for ${lengthOf(session)}` : `, ${lengthOf(session)}`}
          {session.end_reason ? ` (${endReasonWords(session.end_reason)})` : ''}
          {session.ended_at ? `, ended ${when(session.ended_at)}` : ''}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {manage && running && (
          <Button variant="destructive" className="self-start" onClick={() => stopping.mutate(sessionId)} disabled={stopping.isPending}>
            {stopping.isPending ? 'Stopping…' : 'Stop session'}
          </Button>
        )}
        <FailureAlert failure={stopping.error} fallback="Stopping did not complete" />
        {!running && <SessionRecap tenantId={tenantId} sessionId={sessionId} />}
        <TranscriptPanel tenantId={tenantId} sessionId={sessionId} live={running} />
      </CardContent>
    </Card>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/sessions')({ component: Sessions });
