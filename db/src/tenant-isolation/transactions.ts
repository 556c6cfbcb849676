import { fillPlaceholders, getTableColumns, sql } from 'drizzle-orm';
import { QueryBuilder, type PgTable } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import type { Db, Tx } from '../client.ts';
import { rowFromDriver } from '../driver-rows.ts';
import { inlined } from '../inline-params.ts';
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
  return inScope(db, `select set_config('app.tenant_id', ${idLiteral(tenantId)}, true), set_config('role', 'app_user', true)`, fn);
}

/** What drizzle's postgres.js transaction holds: the client scoped to its connection (not in drizzle's types). */
type ScopedTx = { session: { client: Sql } };

/**
 * `fn` in a transaction whose first statement is `settings` (a scope's set_config calls, no
 * parameters). The settings are handed to the transaction's connection before `fn` runs, so
 * they go out in the same socket write as its first statement rather than a round trip
 * ahead of it: postgres.js sends a connection's statements in the order they were handed
 * to it, and Postgres runs them in that order. Settings that fail abort the transaction, and
 * it stays open until `fn` has settled, so nothing after them runs outside the scope. One
 * round trip fewer a transaction (a socket write and read each were most of a Worker
 * request's CPU, docs/BENCHMARKS.md).
 */
function inScope<T>(db: Db, settings: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const applied = (tx as unknown as ScopedTx).session.client.unsafe(settings).execute();
    // Both settled before the transaction ends: had the settings failed, whatever `fn` still
    // sends meets the aborted transaction, never the connection outside it.
    const [set, result] = await Promise.allSettled([applied, fn(tx)]);
    if (set.status === 'rejected') throw set.reason;
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/**
 * One statement in `tenantId`'s scope in a single round trip, for the read every request in
 * a tenant makes first (the caller's membership): the settings and the statement go as one
 * simple-protocol message, which Postgres runs as one implicit transaction, so the settings
 * bind the statement exactly as withTenant's do, and end with it. withTenant is three round
 * trips (begin, settings with the statement, commit), each a socket write and read of the
 * Worker's, which were most of a request's CPU (docs/BENCHMARKS.md). `statement` carries no parameters:
 * its values are idLiteral's and textLiteral's. On a transaction already open it runs there, under withTenant.
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

/** A built statement: SQL text with `$n` parameters, some of them `sql.placeholder`s. */
type Built = { sql: string; params: unknown[] };

/**
 * A select of `table`'s whole rows in a tenant's scope, built with drizzle once per isolate
 * rather than on every call (building a query was ~10 % of a Worker request's CPU,
 * docs/BENCHMARKS.md): `build` makes it with `sql.placeholder`s for the values of a call,
 * which must all inline (inline-params.ts: ids, roles, integers). Each call fills them in and
 * runs the statement as readAsTenant does (one round trip; on a transaction already open,
 * there under withTenant), its rows mapped as drizzle maps them.
 */
export function tenantRowsQuery<T extends PgTable>(table: T, build: (qb: QueryBuilder) => { toSQL(): Built }) {
  let built: Built | undefined;
  const columns = getTableColumns(table);
  return async (db: Db, tenantId: string, values: Record<string, string | number>): Promise<T['$inferSelect'][]> => {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new InvalidTenantIdError(tenantId);
    built ??= build(new QueryBuilder()).toSQL();
    const [statement, left] = inlined(built.sql, fillPlaceholders(built.params, values));
    if (left.length > 0) throw new Error(`tenantRowsQuery: a value that cannot be inlined in ${JSON.stringify(values)}`);
    const rows = await readAsTenant<Record<string, unknown>>(db, tenantId, statement);
    return rows.map((row) => rowFromDriver(columns, row));
  };
}

/**
 * An id a pattern admitted, as an SQL literal, for readAsTenant's statements. The check is
 * repeated here, so nothing but letters, digits, `_` and `-` is ever inlined.
 */
export function idLiteral(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`not an id: ${JSON.stringify(id)}`);
  return `'${id}'`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `fn` in a transaction that sees only one user's own account data (their
 * user row, identities, refresh tokens, and their memberships read-only), under
 * `app_account`: what spans tenants for a person, without operator access.
 */
export function asAccount<T>(db: Db, userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID_PATTERN.test(userId)) return Promise.reject(new Error(`invalid user id ${JSON.stringify(userId)}`));
  return inScope(db, `select set_config('app.user_id', ${idLiteral(userId)}, true), set_config('app.tenant_id', '', true), set_config('role', 'app_account', true)`, fn);
}

/**
 * Runs `fn` as the platform operator (admin API, coordinators): all tenants'
 * rows, still under a non-owner role so nothing runs with owner privileges.
 */
export function asOperator<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(db, "select set_config('app.tenant_id', '', true), set_config('role', 'app_operator', true)", fn);
}
