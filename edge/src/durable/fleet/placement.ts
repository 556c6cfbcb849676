import { SHARED_POOL, type Tenant } from '@glyphoxa/db';

/** The pool a tenant's sessions run in: its own for dedicated, else the shared one. */
export function poolOf(tenant: Pick<Tenant, 'id' | 'licenseTier'>): string {
  return tenant.licenseTier === 'dedicated' ? tenant.id : SHARED_POOL;
}
