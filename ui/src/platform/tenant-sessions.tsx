import { useMutation, useQueryClient, useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api } from '../api/client.ts';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { sessionKeys, sessionsQuery, type SessionView } from '../sessions/session-queries.ts';

const when = (at: string) => new Date(at).toLocaleString();

/** A tenant's newest sessions as its operator sees them: state, node, how each ended; a running one can be stopped. */
export function TenantSessions({ tenantId }: { tenantId: string }) {
  const { data } = useSuspenseInfiniteQuery(sessionsQuery(tenantId));
  const sessions = data.pages[0]?.sessions.slice(0, 10) ?? [];
  if (sessions.length === 0) return <p className="text-sm text-muted-foreground">No session yet.</p>;
  return (
    <ul aria-label="Sessions" className="divide-y rounded-md border">
      {sessions.map((s) => (
        <SessionRow key={s.id} tenantId={tenantId} session={s} />
      ))}
    </ul>
  );
}

function SessionRow({ tenantId, session }: { tenantId: string; session: SessionView }) {
  const queryClient = useQueryClient();
  const stopping = useMutation({
    mutationFn: async () => api.tenants[':id'].sessions[':sessionId'].stop.$post({ param: { id: tenantId, sessionId: session.id } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionKeys.list(tenantId) }),
  });
  const running = session.state !== 'ended';
  return (
    <li className="flex flex-col gap-2 p-3 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <Link to="/teams/$tenantId/sessions" params={{ tenantId }} search={{ session: session.id }} className="text-primary underline-offset-4 hover:underline">
          {running ? `${session.state === 'active' ? 'Running' : 'Starting'} since ${when(session.started_at)}` : `Ended ${when(session.ended_at ?? session.started_at)}`}
        </Link>
        <span className="font-mono text-xs text-muted-foreground">{session.node_id ?? 'no node'}</span>
      </div>
      {!running && <p className="text-muted-foreground">Ended because: {session.end_reason ?? 'unknown'}</p>}
      {running && (
        <Button variant="destructive" size="sm" className="self-start" onClick={() => stopping.mutate()} disabled={stopping.isPending}>
          {stopping.isPending ? 'Stopping…' : 'Stop this session'}
        </Button>
      )}
      <FailureAlert failure={stopping.error} fallback="Stopping failed" />
    </li>
  );
}
