import { sql } from 'drizzle-orm';
import { check, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { users } from './accounts.ts';
import { tenants } from './tenants.ts';

export const ticketStatus = pgEnum('ticket_status', ['open', 'answered', 'closed']);
export type TicketStatus = (typeof ticketStatus.enumValues)[number];

export const MAX_TICKET_BODY = 10_000;

/** A tenant member's request for help, read by the operator and the tenant. */
export const supportTickets = pgTable(
  'support_tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    openedBy: uuid('opened_by').references(() => users.id, { onDelete: 'set null' }),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: ticketStatus('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('support_tickets_tenant_created_idx').on(t.tenantId, t.createdAt),
    check('support_tickets_subject_length', sql`char_length(${t.subject}) between 1 and 200`),
    check('support_tickets_body_length', sql`char_length(${t.body}) between 1 and ${sql.raw(String(MAX_TICKET_BODY))}`),
    ...tenantPolicies('support_tickets', 'tenant_id'),
  ],
);

export type SupportTicket = typeof supportTickets.$inferSelect;
