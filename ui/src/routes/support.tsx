import { useQueryClient, useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { LifeBuoy } from 'lucide-react';
import { Suspense } from 'react';
import { api } from '../api/client.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Skeleton } from '../components/ui/skeleton.tsx';
import { TicketFormCard } from '../settings/ticket-form.tsx';
import { TICKET_STATUS_NAMES, ticketKeys, ticketQuery, ticketsQuery } from '../settings/support-queries.ts';

const FROM = '/signed-in/teams/$tenantId/support';
const when = (iso: string) => new Date(iso).toLocaleString();

/** A team's support tickets (every member reads and opens them), newest first, and the one picked. */
function Support() {
  const { tenantId } = useParams({ from: FROM });
  const { ticket: picked } = useSearch({ from: FROM });
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(ticketsQuery(tenantId));
  const tickets = data.pages.flatMap((p) => p.tickets);
  const queryClient = useQueryClient();
  const navigate = useNavigate({ from: '/teams/$tenantId/support' });
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Support</h1>
      {tickets.length === 0 ? (
        <EmptyState icon={LifeBuoy} title="No tickets yet">
          Something not working? Open a ticket below; the operator answers here.
        </EmptyState>
      ) : (
        <ul aria-label="Tickets" className="divide-y rounded-md border">
          {tickets.map((t) => (
            <li key={t.id} aria-current={t.id === picked ? 'true' : undefined} className="aria-[current]:bg-accent">
              <Link to="/teams/$tenantId/support" params={{ tenantId }} search={{ ticket: t.id }} className="flex flex-wrap items-baseline justify-between gap-2 p-3 text-sm hover:bg-accent">
                <span className="font-medium">{t.subject}</span>
                <span className="text-muted-foreground">
                  {TICKET_STATUS_NAMES[t.status]} · {when(t.created_at)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {hasNextPage && (
        <Button variant="outline" className="self-start" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Older tickets'}
        </Button>
      )}
      {picked && (
        <Suspense fallback={<Skeleton className="h-32" />}>
          <TicketDetail tenantId={tenantId} ticketId={picked} />
        </Suspense>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Open a ticket</CardTitle>
          <CardDescription>The operator sees it with your team's id; its status changes here as it is answered.</CardDescription>
        </CardHeader>
        <CardContent>
          <TicketFormCard
            onOpen={async (body) => {
              const { ticket } = await (await api.tenants[':id']['support-tickets'].$post({ param: { id: tenantId }, json: body })).json();
              await queryClient.invalidateQueries({ queryKey: ticketKeys.list(tenantId) });
              await navigate({ params: { tenantId }, search: { ticket: ticket.id } });
            }}
          />
        </CardContent>
      </Card>
    </>
  );
}

function TicketDetail({ tenantId, ticketId }: { tenantId: string; ticketId: string }) {
  const { data: ticket } = useSuspenseQuery(ticketQuery(tenantId, ticketId));
  return (
    <Card aria-label={`Ticket ${ticket.subject}`}>
      <CardHeader>
        <CardTitle>{ticket.subject}</CardTitle>
        <CardDescription>
          {TICKET_STATUS_NAMES[ticket.status]} · opened {when(ticket.created_at)} · last change {when(ticket.updated_at)}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <p className="whitespace-pre-wrap text-sm">{ticket.body}</p>
      </CardContent>
    </Card>
  );
}

export const route = createLazyRoute(FROM)({ component: Support });
