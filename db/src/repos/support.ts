import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { withTenant } from '../tenant-isolation/transactions.ts';
import { supportTickets, type SupportTicket } from '../schema/index.ts';

export function createTicket(db: Db, tenantId: string, ticket: { openedBy: string | null; subject: string; body: string }): Promise<SupportTicket> {
  return withTenant(db, tenantId, async (tx) => (await tx.insert(supportTickets).values({ ...ticket, tenantId }).returning())[0]!);
}

export function listTickets(db: Db, tenantId: string, limit: number): Promise<SupportTicket[]> {
  return withTenant(db, tenantId, (tx) => tx.select().from(supportTickets).where(eq(supportTickets.tenantId, tenantId)).orderBy(desc(supportTickets.createdAt)).limit(limit));
}

export function getTicket(db: Db, tenantId: string, ticketId: string): Promise<SupportTicket | null> {
  return withTenant(db, tenantId, async (tx) => (await tx.select().from(supportTickets).where(and(eq(supportTickets.tenantId, tenantId), eq(supportTickets.id, ticketId))))[0] ?? null);
}
