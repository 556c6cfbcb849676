import { ticketStatus, type SupportTicket } from '@glyphoxa/db';
import * as v from 'valibot';

/** A support ticket as its tenant's members see it (the schema the OpenAPI document shows). */
export const SupportTicketViewSchema = v.object({
  id: v.string(),
  tenant_id: v.string(),
  subject: v.string(),
  body: v.string(),
  status: v.picklist(ticketStatus.enumValues),
  /** The user who opened it (an API key's creator); null for the operator or a user since removed. */
  opened_by: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});
export type SupportTicketView = v.InferOutput<typeof SupportTicketViewSchema>;

export function viewSupportTicket(ticket: SupportTicket): SupportTicketView {
  return {
    id: ticket.id,
    tenant_id: ticket.tenantId,
    subject: ticket.subject,
    body: ticket.body,
    status: ticket.status,
    opened_by: ticket.openedBy,
    created_at: ticket.createdAt.toISOString(),
    updated_at: ticket.updatedAt.toISOString(),
  };
}
