import { sql } from 'drizzle-orm';
import { pgPolicy, pgRole } from 'drizzle-orm/pg-core';

/**
 * The three roles application queries run as. None is a superuser nor a table
 * owner, so row-level security always applies to them (tables are FORCEd too).
 * Roles are cluster-wide, so `migrate` creates them idempotently; the schema
 * only refers to them.
 */
export const appUser = pgRole('app_user').existing();
export const appOperator = pgRole('app_operator').existing();
/** A signed-in person's own account data, whichever tenants it spans. */
export const appAccount = pgRole('app_account').existing();

/** The transaction-local setting `withTenant` sets; unset means no rows. */
export const currentTenant = sql`current_setting('app.tenant_id', true)`;
/** The transaction-local setting `asAccount` sets; unset means no rows. */
export const currentUser = sql`current_setting('app.user_id', true)`;

/**
 * The policies every tenant-owned table carries: a tenant sees and writes only
 * rows whose `column` equals its id; operators (admin API, coordinators) see all.
 */
export function tenantPolicies(table: string, column: string) {
  const owned = sql`${sql.identifier(column)} = ${currentTenant}`;
  return [
    pgPolicy(`${table}_tenant_isolation`, { for: 'all', to: appUser, using: owned, withCheck: owned }),
    pgPolicy(`${table}_operator_access`, { for: 'all', to: appOperator, using: sql`true`, withCheck: sql`true` }),
  ];
}

/**
 * A user's own rows under `asAccount`: those whose `column` is the user's id.
 * `select` for rows a user may see but not make for themselves (a membership
 * is granted by a tenant's owner, never taken).
 */
export function accountPolicy(table: string, column: string, access: 'all' | 'select' = 'all') {
  const own = sql`${sql.identifier(column)}::text = ${currentUser}`;
  return pgPolicy(`${table}_account_access`, { for: access, to: appAccount, using: own, ...(access === 'all' ? { withCheck: own } : {}) });
}

/** Operators' access to a table that is not tenant-owned. */
export const operatorPolicy = (table: string) => pgPolicy(`${table}_operator_access`, { for: 'all', to: appOperator, using: sql`true`, withCheck: sql`true` });
