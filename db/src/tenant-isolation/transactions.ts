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

/**
 * One statement in `tenantId`'s scope in a single round trip, for the read every request in
 * a tenant makes first (the caller's membership): the settings and the statement go as one
 * simple-protocol message, which Postgres runs as one implicit transaction, so the settings
 * bind the statement exactly as withTenant's do, and end with it. withTenant is four round
 * trips (begin, settings, statement, commit), each a socket write and read of the Worker's,
 * which were most of a request's CPU (docs/BENCHMARKS.md). `statement` carries no parameters:
 * its values are idLiteral's and textLiteral's. On a transaction already open it runs there,
 * under withTenant.
 */
export async function readAsTenant<Row>(db: Db, tenantId: string, statement: string): Promise<Row[]> {
  const [rows] = await readAllAsTenant<[Row[]]>(db, tenantId, [statement]);
  return rows;
}

/** readAsTenant for several statements in the one message (and implicit transaction): the rows of each, in order. */
export async function readAllAsTenant<Rows extends unknown[][]>(db: Db, tenantId: string, statements: string[]): Promise<Rows> {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new InvalidTenantIdError(tenantId);
  if (!('$client' in db)) {
    return withTenant(db, tenantId, async (tx) => {
      const results: unknown[][] = [];
      for (const statement of statements) results.push([...(await tx.execute(sql.raw(statement)))]);
      return results as Rows;
    });
  }
  const settings = `select set_config('app.tenant_id', ${idLiteral(tenantId)}, true), set_config('role', 'app_user', true)`;
  // `simple`: postgres.js's option for the simple protocol (missing from its types); one answer a statement.
  const [, ...rows] = (await db.$client.unsafe([settings, ...statements].join('; '), [], { simple: true } as never)) as unknown as [unknown, ...unknown[][]];
  return rows as Rows;
}

/**
 * An id a pattern admitted, as an SQL literal, for readAsTenant's statements. The check is
 * repeated here, so nothing but letters, digits, `_` and `-` is ever inlined.
 */
export function idLiteral(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`not an id: ${JSON.stringify(id)}`);
  return `'${id}'`;
}

/**
 * Any text as an SQL expression for readAsTenant's statements: its UTF-8 bytes in hex,
 * decoded by the server, so what is inlined is only hex digits whatever the text holds.
 */
export function textLiteral(text: string): string {
  const hex = Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `convert_from(decode('${hex}', 'hex'), 'UTF8')`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
