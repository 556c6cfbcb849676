import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { withTenant } from '../tenant-isolation/transactions.ts';
import { supportTickets, type SupportTicket, type TicketStatus } from '../schema/index.ts';

export function createTicket(db: Db, tenantId: string, ticket: { openedBy: string | null; subject: string; body: string }): Promise<SupportTicket> {
  return withTenant(db, tenantId, async (tx) => (await tx.insert(supportTickets).values({ ...ticket, tenantId }).returning())[0]!);
}

export interface TicketFilter {
  status?: TicketStatus;
  /** The page after this ticket (the last one of the page before): newest first. */
  before?: string;
  limit: number;
}

/** The tenant's tickets, newest first, filtered and paged by keyset (created_at, id). */
export function listTickets(db: Db, tenantId: string, filter: TicketFilter): Promise<SupportTicket[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(supportTickets)
      .where(
        and(
          eq(supportTickets.tenantId, tenantId),
          filter.status ? eq(supportTickets.status, filter.status) : undefined,
          filter.before
            ? sql`(${supportTickets.createdAt}, ${supportTickets.id}) < (select t.created_at, t.id from ${supportTickets} t where t.tenant_id = ${tenantId} and t.id = ${filter.before})`
            : undefined,
        ),
      )
      .orderBy(desc(supportTickets.createdAt), desc(supportTickets.id))
      .limit(filter.limit),
  );
}

export function getTicket(db: Db, tenantId: string, ticketId: string): Promise<SupportTicket | null> {
  return withTenant(db, tenantId, async (tx) => (await tx.select().from(supportTickets).where(and(eq(supportTickets.tenantId, tenantId), eq(supportTickets.id, ticketId))))[0] ?? null);
}
