import { and, asc, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { tenantProviders, type NewTenantProvider, type ProviderRole, type TenantProvider } from '../schema/index.ts';

/** A provider's settings; `apiKeyEnc` undefined keeps the stored key, null removes it. */
export type ProviderFields = Omit<NewTenantProvider, 'tenantId' | 'role' | 'createdAt' | 'updatedAt'>;

export function listTenantProviders(db: Db, tenantId: string): Promise<TenantProvider[]> {
  return withTenant(db, tenantId, (tx) => tx.select().from(tenantProviders).where(eq(tenantProviders.tenantId, tenantId)).orderBy(asc(tenantProviders.role)));
}

/** Sets the tenant's provider for one role, replacing the one it had. */
export function putTenantProvider(db: Db, tenantId: string, role: ProviderRole, fields: ProviderFields): Promise<TenantProvider> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .insert(tenantProviders)
      .values({ ...fields, tenantId, role })
      .onConflictDoUpdate({ target: [tenantProviders.tenantId, tenantProviders.role], set: { ...fields, updatedAt: new Date() } })
      .returning();
    return row!;
  });
}

export function deleteTenantProvider(db: Db, tenantId: string, role: ProviderRole): Promise<boolean> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx
      .delete(tenantProviders)
      .where(and(eq(tenantProviders.tenantId, tenantId), eq(tenantProviders.role, role)))
      .returning({ role: tenantProviders.role });
    return rows.length > 0;
  });
}
