import { and, asc, eq, gt, ilike, inArray, or } from 'drizzle-orm';
import { containsPattern } from './patterns.ts';
import type { Db } from '../client.ts';
import { asAccount, asOperator } from '../tenant-isolation/transactions.ts';
import { memberships, users, type MemberRole, type User } from '../schema/index.ts';

export type UserChanges = Partial<Pick<User, 'displayName' | 'avatarUrl'>>;

/** The user with the tenants they belong to, as they may see themselves. */
export function getAccount(db: Db, userId: string): Promise<{ user: User; memberships: Array<{ tenantId: string; role: MemberRole }> } | null> {
  return asAccount(db, userId, async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user) return null;
    const rows = await tx.select({ tenantId: memberships.tenantId, role: memberships.role }).from(memberships).where(eq(memberships.userId, userId)).orderBy(asc(memberships.tenantId));
    return { user, memberships: rows };
  });
}

export function updateUser(db: Db, userId: string, changes: UserChanges): Promise<User | null> {
  return asAccount(db, userId, async (tx) => {
    const [row] = await tx.update(users).set({ ...changes, updatedAt: new Date() }).where(eq(users.id, userId)).returning();
    return row ?? null;
  });
}

/** Whether the user is a platform operator (super admin), read fresh. */
export function isSuperAdmin(db: Db, userId: string): Promise<boolean> {
  return asAccount(db, userId, async (tx) => {
    const [row] = await tx.select({ superAdmin: users.superAdmin }).from(users).where(eq(users.id, userId));
    return row?.superAdmin ?? false;
  });
}

/**
 * Super-admin listing of every user with the tenants they belong to, keyset-paged by id;
 * `search`: only users whose email or display name contains it (any case).
 */
export function listUsers(db: Db, page: { after?: string; limit: number; search?: string }): Promise<Array<{ user: User; memberships: Array<{ tenantId: string; role: MemberRole }> }>> {
  return asOperator(db, async (tx) => {
    const pattern = page.search ? containsPattern(page.search) : null;
    const rows = await tx
      .select()
      .from(users)
      .where(and(page.after ? gt(users.id, page.after) : undefined, pattern ? or(ilike(users.email, pattern), ilike(users.displayName, pattern)) : undefined))
      .orderBy(asc(users.id))
      .limit(page.limit);
    const held = rows.length === 0 ? [] : await tx.select().from(memberships).where(inArray(memberships.userId, rows.map((u) => u.id))).orderBy(asc(memberships.tenantId));
    return rows.map((user) => ({ user, memberships: held.filter((m) => m.userId === user.id).map((m) => ({ tenantId: m.tenantId, role: m.role })) }));
  });
}
