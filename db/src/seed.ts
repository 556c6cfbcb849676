import type { Db } from './scope.ts';
import { createTenant, getTenant } from './repos/tenants.ts';
import type { Tenant } from './schema/index.ts';

export const DEMO_TENANT_ID = 'demo';

/** The tenant a fresh install shows; creating it twice is a no-op. */
export async function seedDemoTenant(db: Db): Promise<Tenant> {
  const created = await createTenant(db, { id: DEMO_TENANT_ID, tier: 'adventurer' });
  const tenant = created ?? (await getTenant(db, DEMO_TENANT_ID));
  if (!tenant) throw new Error('demo tenant could not be created');
  return tenant;
}
