import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../client.ts';
import { idLiteral, readAsTenant, UUID_PATTERN, withTenant } from '../tenant-isolation/transactions.ts';
import { memberships, users, type MemberRole, type Membership, type User } from '../schema/index.ts';

export interface Member {
  user: Pick<User, 'id' | 'email' | 'displayName' | 'avatarUrl'>;
  role: MemberRole;
  createdAt: Date;
}

/** Why a change to the members was refused. */
export type MemberRefusal = 'not_member' | 'last_owner';

export function listMembers(db: Db, tenantId: string): Promise<Member[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select({ user: { id: users.id, email: users.email, displayName: users.displayName, avatarUrl: users.avatarUrl }, role: memberships.role, createdAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.tenantId, tenantId))
      .orderBy(asc(memberships.createdAt), asc(users.id)),
  );
}

/**
 * The user's role in the tenant, or null when they are not a member. Read before every
 * request a user makes in a tenant, so in one round trip (readAsTenant).
 */
export async function memberRoleOf(db: Db, tenantId: string, userId: string): Promise<MemberRole | null> {
  if (!UUID_PATTERN.test(userId)) return null;
  const [row] = await readAsTenant<{ role: MemberRole }>(db, tenantId, `select role from memberships where tenant_id = ${idLiteral(tenantId)} and user_id = ${idLiteral(userId)}`);
  return row?.role ?? null;
}

/** Adds the user to the tenant (inside a tenant transaction that may also have just created it). */
export async function insertMembership(tx: Tx, tenantId: string, userId: string, role: MemberRole): Promise<void> {
  await tx.insert(memberships).values({ tenantId, userId, role });
}

/**
 * Changes a member's role, or with `null` removes them. The tenant's owners are
 * locked first, so two owners demoting each other at once cannot leave none.
 */
export function changeMember(db: Db, tenantId: string, userId: string, role: MemberRole | null): Promise<{ before: Membership; after: Membership | null } | MemberRefusal> {
  return withTenant(db, tenantId, async (tx) => {
    const owners = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, 'tenant_owner')))
      .for('update');
    const [before] = await tx.select().from(memberships).where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId))).for('update');
    if (!before) return 'not_member';
    const losesOwner = before.role === 'tenant_owner' && role !== 'tenant_owner';
    if (losesOwner && owners.length <= 1) return 'last_owner';
    const where = and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId));
    if (role === null) {
      await tx.delete(memberships).where(where);
      return { before, after: null };
    }
    const [after] = await tx.update(memberships).set({ role }).where(where).returning();
    return { before, after: after! };
  });
}
