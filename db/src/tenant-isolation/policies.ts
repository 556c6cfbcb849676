import { sql } from 'drizzle-orm';
import { pgPolicy, pgRole } from 'drizzle-orm/pg-core';

/**
 * The two roles application queries run as. Neither is a superuser nor a table
 * owner, so row-level security always applies to them (tables are FORCEd too).
 * Roles are cluster-wide, so `migrate` creates them idempotently; the schema
 * only refers to them.
 */
export const appUser = pgRole('app_user').existing();
export const appOperator = pgRole('app_operator').existing();

/** The transaction-local setting `withTenant` sets; unset means no rows. */
export const currentTenant = sql`current_setting('app.tenant_id', true)`;

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
