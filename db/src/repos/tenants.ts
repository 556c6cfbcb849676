import { and, asc, eq, exists, gt, ilike, or } from 'drizzle-orm';
import { asOperator, withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { containsPattern } from './patterns.ts';
import { insertMembership } from './memberships.ts';
import { memberships, tenants, users, type NewTenant, type Tenant } from '../schema/index.ts';

/** Queues, behind this transaction, others counting what the tenant holds (NPCs, seats) before adding to it. */
export async function lockTenantRow(tx: Tx, tenantId: string): Promise<void> {
  await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
}

export type TenantChanges = Partial<Omit<NewTenant, 'id' | 'createdAt' | 'updatedAt'>>;

/** Creates the tenant inside its own scope, with `ownerId` as its owner; an existing id yields `null`. */
export function createTenant(db: Db, tenant: NewTenant, ownerId?: string): Promise<Tenant | null> {
  return withTenant(db, tenant.id, async (tx) => {
    // Only a taken id is "exists"; a Discord application held by another tenant must surface as its own conflict.
    const [row] = await tx.insert(tenants).values(tenant).onConflictDoNothing({ target: tenants.id }).returning();
    if (row && ownerId) await insertMembership(tx, tenant.id, ownerId, 'tenant_owner');
    return row ?? null;
  });
}

export function getTenant(db: Db, tenantId: string): Promise<Tenant | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
    return row ?? null;
  });
}

export function updateTenant(db: Db, tenantId: string, changes: TenantChanges): Promise<Tenant | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .update(tenants)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(tenants.id, tenantId))
      .returning();
    return row ?? null;
  });
}

/**
 * The outcome of registering the tenant's slash commands with Discord. Not a
 * change to the tenant's settings, so `updated_at` stays; an omitted
 * `registeredAt` keeps the last success.
 */
export function recordCommandRegistration(db: Db, tenantId: string, result: { registeredAt?: Date | null; error: string | null }): Promise<void> {
  return withTenant(db, tenantId, async (tx) => {
    await tx
      .update(tenants)
      .set({ commandsRegisteredAt: result.registeredAt, commandsRegistrationError: result.error })
      .where(eq(tenants.id, tenantId));
  });
}

/** Removes the tenant; its sessions and usage go with it (foreign keys cascade). */
export function deleteTenant(db: Db, tenantId: string): Promise<boolean> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx.delete(tenants).where(eq(tenants.id, tenantId)).returning({ id: tenants.id });
    return rows.length > 0;
  });
}

/** Operator listing, keyset-paged by id; `search`: only tenants whose id, or a member's email, contains it (any case). */
export function listTenants(db: Db, page: { after?: string; limit: number; search?: string }): Promise<Tenant[]> {
  return asOperator(db, (tx) =>
    tx
      .select()
      .from(tenants)
      .where(and(page.after ? gt(tenants.id, page.after) : undefined, page.search ? matching(tx, page.search) : undefined))
      .orderBy(asc(tenants.id))
      .limit(page.limit),
  );
}

function matching(tx: Tx, search: string) {
  const pattern = containsPattern(search);
  const member = tx
    .select({ one: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenants.id), ilike(users.email, pattern)));
  return or(ilike(tenants.id, pattern), exists(member));
}
