import { useMutation, useQueryClient, useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useParams, useSearch } from '@tanstack/react-router';
import { MessagesSquare } from 'lucide-react';
import { Suspense } from 'react';
import { canManage, useTenantRole } from '../account/tenant-role.ts';
import { api } from '../api/client.ts';
import { nextStep } from '../api/errors.ts';
import { campaignsQuery } from '../campaigns/campaign-queries.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Skeleton } from '../components/ui/skeleton.tsx';
import { sessionKeys, sessionQuery, sessionsQuery, transcriptQuery, type SessionView } from '../sessions/session-queries.ts';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
const STATE_NAMES: Record<SessionView['state'], string> = { pending: 'Starting', active: 'Running', ended: 'Ended' };

/** A team's sessions, newest first, and the transcript of the one picked. */
function Sessions() {
  const { tenantId } = useParams({ from: '/signed-in/teams/$tenantId/sessions' });
  const { session: picked } = useSearch({ from: '/signed-in/teams/$tenantId/sessions' });
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(sessionsQuery(tenantId));
  const { data: campaigns } = useSuspenseQuery(campaignsQuery(tenantId));
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));
  const list = data.pages.flatMap((p) => p.sessions);
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Sessions</h1>
      {list.length === 0 ? (
        <EmptyState icon={MessagesSquare} title="No sessions yet">
          A session starts with /session start in Discord or from a campaign's talk page; it is listed here with its transcript.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Sessions, newest first</caption>
            <thead className="bg-muted">
              <tr>
                <th scope="col" className="p-3 font-medium">State</th>
                <th scope="col" className="p-3 font-medium">Campaign</th>
                <th scope="col" className="p-3 font-medium">Started</th>
                <th scope="col" className="p-3 font-medium">Ended</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {list.map((s) => (
                <tr key={s.id} aria-current={s.id === picked ? 'true' : undefined} className="aria-[current]:bg-accent">
                  <td className="p-3">
                    <Link to="/teams/$tenantId/sessions" params={{ tenantId }} search={{ session: s.id }} className="underline-offset-4 hover:underline">
                      {STATE_NAMES[s.state]}
                      <span className="sr-only"> session started {when(s.started_at)}</span>
                    </Link>
                  </td>
                  <td className="p-3">{s.campaign_id ? (campaignName.get(s.campaign_id) ?? 'A deleted campaign') : '—'}</td>
                  <td className="p-3">{when(s.started_at)}</td>
                  <td className="p-3">{when(s.ended_at)}</td>
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
          <SessionDetail tenantId={tenantId} sessionId={picked} />
        </Suspense>
      )}
    </>
  );
}

/** One session: when, the stop button while it runs (owners and DMs only: the edge refuses viewers), its transcript. */
function SessionDetail({ tenantId, sessionId }: { tenantId: string; sessionId: string }) {
  const { data: session } = useSuspenseQuery(sessionQuery(tenantId, sessionId));
  const transcript = useSuspenseInfiniteQuery(transcriptQuery(tenantId, sessionId));
  const manage = canManage(useTenantRole(tenantId));
  const queryClient = useQueryClient();
  const stopping = useMutation({
    mutationFn: async () => api.tenants[':id'].sessions[':sessionId'].stop.$post({ param: { id: tenantId, sessionId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.list(tenantId) }),
  });
  const lines = transcript.data.pages.flatMap((p) => p.lines);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Session started {when(session.started_at)}</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <p className="text-sm text-muted-foreground">
          {STATE_NAMES[session.state]}
          {session.end_reason ? ` (${session.end_reason.replace(/_/g, ' ')})` : ''}
          {session.ended_at ? `, ended ${when(session.ended_at)}` : ''}
        </p>
        {manage && session.state !== 'ended' && (
          <Button variant="destructive" className="self-start" onClick={() => stopping.mutate()} disabled={stopping.isPending}>
            {stopping.isPending ? 'Stopping…' : 'Stop session'}
          </Button>
        )}
        {stopping.error && (
          <Alert tone="error">
            Stopping did not complete: {stopping.error.message}. {nextStep(stopping.error)}
          </Alert>
        )}
        <h3 className="text-sm font-semibold">Transcript</h3>
        {lines.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing was said yet.</p>
        ) : (
          <ol aria-label="Transcript" className="flex flex-col gap-2">
            {lines.map((l) => (
              <li key={l.id} className="text-sm">
                <span className={l.npc ? 'font-semibold text-primary' : 'font-semibold'}>{l.speaker_name}</span>
                <span className="text-muted-foreground"> · {new Date(l.spoken_at).toLocaleTimeString()}</span>
                <p>{l.text}</p>
              </li>
            ))}
          </ol>
        )}
        {transcript.hasNextPage && (
          <Button variant="outline" className="self-start" onClick={() => void transcript.fetchNextPage()} disabled={transcript.isFetchingNextPage}>
            {transcript.isFetchingNextPage ? 'Loading…' : 'More of the transcript'}
          </Button>
        )}
      </CardContent>
    </Card>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/sessions')({ component: Sessions });
