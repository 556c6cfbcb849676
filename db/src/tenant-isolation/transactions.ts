import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.ts';
import { TENANT_ID_PATTERN } from '../schema/tenants.ts';

export class InvalidTenantIdError extends Error {
  constructor(id: string) {
    super(`invalid tenant id ${JSON.stringify(id)}`);
    this.name = 'InvalidTenantIdError';
  }
}

/**
 * Runs `fn` in a transaction that can only see and write `tenantId`'s rows: the
 * tenant id goes into a transaction-local setting the RLS policies read, and
 * the role drops to `app_user`, which is neither superuser nor owner, so the
 * policies bind even when a query forgets its WHERE clause.
 */
export function withTenant<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!TENANT_ID_PATTERN.test(tenantId)) return Promise.reject(new InvalidTenantIdError(tenantId));
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', 'app_user', true)`,
    );
    return fn(tx);
  });
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `fn` in a transaction that sees only one user's own account data (their
 * user row, identities, refresh tokens, and their memberships read-only), under
 * `app_account`: what spans tenants for a person, without operator access.
 */
export function asAccount<T>(db: Db, userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID_PATTERN.test(userId)) return Promise.reject(new Error(`invalid user id ${JSON.stringify(userId)}`));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.user_id', ${userId}, true), set_config('app.tenant_id', '', true), set_config('role', 'app_account', true)`);
    return fn(tx);
  });
}

/**
 * Runs `fn` as the platform operator (admin API, coordinators): all tenants'
 * rows, still under a non-owner role so nothing runs with owner privileges.
 */
export function asOperator<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.tenant_id', '', true), set_config('role', 'app_operator', true)`);
    return fn(tx);
  });
}
