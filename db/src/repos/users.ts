import { asc, eq, gt } from 'drizzle-orm';
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

/** Super-admin listing of every user, keyset-paged by id. */
export function listUsers(db: Db, page: { after?: string; limit: number }): Promise<User[]> {
  return asOperator(db, (tx) =>
    tx
      .select()
      .from(users)
      .where(page.after ? gt(users.id, page.after) : undefined)
      .orderBy(asc(users.id))
      .limit(page.limit),
  );
}
