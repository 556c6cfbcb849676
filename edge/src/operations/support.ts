import { createTicket, getTicket, listTickets, type TicketFilter } from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { OpenTicket } from '../routes/api/support-schemas.ts';
import { viewSupportTicket } from '../views/support-ticket.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';

/** A member asks the operator for help; the ticket names the person behind the principal. */
export async function openTicket(ctx: OperationContext, principal: Principal, tenantId: string, input: OpenTicket) {
  authorize(principal, 'support.open', tenantId);
  const ticket = viewSupportTicket(await createTicket(ctx.db(), tenantId, { openedBy: principal.userId, ...input }));
  // The subject and body are the member's words: the audit says a ticket was opened, not what it says.
  await audit(ctx, principal, { tenantId, action: 'support.open', target: ticket.id, after: { id: ticket.id, status: ticket.status } });
  return ticket;
}

export async function listTenantTickets(ctx: OperationContext, principal: Principal, tenantId: string, filter: TicketFilter) {
  authorize(principal, 'support.view', tenantId);
  const tickets = (await listTickets(ctx.db(), tenantId, filter)).map(viewSupportTicket);
  return { tickets, next_before: tickets.length === filter.limit ? tickets.at(-1)!.id : null };
}

export async function getTenantTicket(ctx: OperationContext, principal: Principal, tenantId: string, ticketId: string) {
  authorize(principal, 'support.view', tenantId);
  const ticket = await getTicket(ctx.db(), tenantId, ticketId);
  if (!ticket) throw new ApiError(404, 'ticket_not_found', `No support ticket ${ticketId}`);
  return viewSupportTicket(ticket);
}
