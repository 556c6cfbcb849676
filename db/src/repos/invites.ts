import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../client.ts';
import { withTenant } from '../tenant-isolation/transactions.ts';
import { invites, memberships, type Invite, type MemberRole } from '../schema/index.ts';
import { lockTenantRow } from './tenants.ts';

export type InviteAddress = { email: string } | { discordId: string };

/**
 * A pending invite; null when one to that address is already pending, `{ limitReached }` (the
 * seats taken: members and pending invites) when `maxSeats` are taken (null: no bound).
 */
export function createInvite(
  db: Db,
  tenantId: string,
  address: InviteAddress,
  role: MemberRole,
  invitedBy: string | null,
  maxSeats: number | null = null,
): Promise<Invite | null | { limitReached: number }> {
  const to = 'email' in address ? { email: address.email.trim().toLowerCase() } : { discordId: address.discordId };
  return withTenant(db, tenantId, async (tx) => {
    if (maxSeats !== null) {
      await lockTenantRow(tx, tenantId);
      const taken = await takenSeats(tx, tenantId);
      if (taken >= maxSeats) return { limitReached: taken };
    }
    const [row] = await tx.insert(invites).values({ tenantId, ...to, role, invitedBy }).onConflictDoNothing().returning();
    return row ?? null;
  });
}

/** The tenant's seats taken: its members and its pending invites (what a plan's seats count). */
export async function takenSeats(tx: Tx, tenantId: string): Promise<number> {
  const [members] = await tx.select({ n: count() }).from(memberships).where(eq(memberships.tenantId, tenantId));
  const [pending] = await tx.select({ n: count() }).from(invites).where(and(eq(invites.tenantId, tenantId), isNull(invites.acceptedAt)));
  return members!.n + pending!.n;
}

export function listPendingInvites(db: Db, tenantId: string): Promise<Invite[]> {
  return withTenant(db, tenantId, (tx) =>
    tx.select().from(invites).where(and(eq(invites.tenantId, tenantId), isNull(invites.acceptedAt))).orderBy(desc(invites.createdAt)),
  );
}

/** Withdraws a pending invite; null when the tenant has no such pending invite. */
export function deleteInvite(db: Db, tenantId: string, inviteId: string): Promise<Invite | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.delete(invites).where(and(eq(invites.tenantId, tenantId), eq(invites.id, inviteId), isNull(invites.acceptedAt))).returning();
    return row ?? null;
  });
}
