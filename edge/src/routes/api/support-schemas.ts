import { MAX_TICKET_BODY, ticketStatus } from '@glyphoxa/db';
import * as v from 'valibot';
import { SupportTicketViewSchema } from '../../views/support-ticket.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/** The /api/v1 support-ticket routes' bodies, queries and answers. */

const TicketId = v.pipe(v.string(), v.uuid('must be a ticket id (a uuid)'));

export const TicketParamsSchema = v.object({ id: TenantIdSchema, ticketId: TicketId });

export const OpenTicketSchema = v.strictObject({
  subject: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200, 'must be at most 200 characters')),
  body: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_TICKET_BODY, `must be at most ${MAX_TICKET_BODY} characters`)),
});
export type OpenTicket = v.InferOutput<typeof OpenTicketSchema>;

export const TicketListQuerySchema = v.strictObject({
  status: v.optional(v.picklist(ticketStatus.enumValues)),
  /** The page after this ticket: the previous answer's `next_before`. */
  before: v.optional(TicketId),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)), '50'),
});

export const TicketAnswer = v.object({ ticket: SupportTicketViewSchema });
export const TicketsPageAnswer = v.object({ tickets: v.array(SupportTicketViewSchema), next_before: v.nullable(v.string()) });
