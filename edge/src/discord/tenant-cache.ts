import { getTenant, type Db, type Tenant } from '@glyphoxa/db';

/**
 * Every interaction needs its tenant (public key, DM role, bot), and Discord
 * wants an answer within 3 s: reading Postgres each time costs a connection.
 * Tenants are kept per isolate for a few seconds; this isolate's admin API
 * forgets a tenant it changes at once, other isolates within TTL_MS.
 */
const TTL_MS = 10_000;
const MAX_ENTRIES = 1000;
const cache = new Map<string, { tenant: Tenant; at: number }>();

export async function cachedTenant(db: Db, tenantId: string): Promise<Tenant | null> {
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.tenant;
  const tenant = await getTenant(db, tenantId);
  cache.delete(tenantId);
  if (tenant) {
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(tenantId, { tenant, at: Date.now() });
  }
  return tenant;
}

export function forgetTenant(tenantId: string): void {
  cache.delete(tenantId);
}
