import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's support tickets, read through the typed client (edge/src/routes/api/support-tickets.ts). */

const tickets = api.tenants[':id']['support-tickets'];
export type TicketsPage = InferResponseType<typeof tickets.$get, 200>;
export type Ticket = TicketsPage['tickets'][number];
export type NewTicketBody = InferRequestType<typeof tickets.$post>['json'];

/** A ticket's status as the dashboard names it; typed by the API's status enum. */
export const TICKET_STATUS_NAMES: Record<Ticket['status'], string> = { open: 'Open', answered: 'Answered', closed: 'Closed' };

export const ticketKeys = { list: (tenantId: string) => ['tenants', tenantId, 'support-tickets'] as const };

/** Newest first, a page at a time (`next_before`). */
export const ticketsQuery = (tenantId: string) =>
  infiniteQueryOptions({
    queryKey: ticketKeys.list(tenantId),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }): Promise<TicketsPage> => (await tickets.$get({ param: { id: tenantId }, query: pageParam ? { before: pageParam } : {} })).json(),
    getNextPageParam: (page) => page.next_before ?? undefined,
  });

export const ticketQuery = (tenantId: string, ticketId: string) =>
  queryOptions({
    queryKey: [...ticketKeys.list(tenantId), ticketId] as const,
    queryFn: async () => (await (await tickets[':ticketId'].$get({ param: { id: tenantId, ticketId } })).json()).ticket,
  });
