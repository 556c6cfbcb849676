import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { inliningParameters } from './inline-params.ts';

export interface ClientOptions {
  /** Pool size; inside a Worker request keep it small, Hyperdrive pools for us. */
  max?: number;
  connectTimeoutSeconds?: number;
  /** Close connections idle this long; long-lived holders (Durable Objects) must, or they hoard server slots. */
  idleTimeoutSeconds?: number;
  /**
   * Close connections this long after they opened (postgres.js's default: 30-60 min); `null`
   * for none, for a client that lives one Worker request, whose connection the runtime closes
   * when the request ends: its timer would be one more set and cleared a request.
   */
  maxLifetimeSeconds?: number | null;
  /** Called with each statement as it goes out (after inliningParameters): what the web-API bench replays in pgbench. */
  debug?: (query: string, parameters: unknown[]) => void;
}

/**
 * The one way to reach Postgres: postgres.js under drizzle. Unnamed statements
 * (`prepare: false`) because both Hyperdrive and the embedded database's
 * connection multiplexer share server sessions between clients; parameters that
 * are ids and integers are inlined (inline-params.ts), a round trip fewer each.
 */
export function createDb(connectionString: string, options: ClientOptions = {}) {
  const client = inliningParameters(postgres(connectionString, {
    max: options.max ?? 10,
    prepare: false,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: options.idleTimeoutSeconds,
    ...(options.maxLifetimeSeconds !== undefined ? { max_lifetime: options.maxLifetimeSeconds } : {}),
    // Drizzle parses arrays itself; skipping postgres.js's type lookup saves a
    // query on every new connection, and Workers open many.
    fetch_types: false,
    onnotice: () => {},
    debug: options.debug && ((_connection: number, query: string, parameters: unknown[]) => options.debug!(query, parameters)),
  }));
  // No `schema`: relational queries (`db.query`) are unused, and building their config walks
  // every table on each call, which a Worker makes per request (~10% of a request's CPU, profiled).
  const db = drizzle(client);
  return { db, client, close: () => client.end({ timeout: 5 }) };
}

export type Database = ReturnType<typeof createDb>['db'];
/** A transaction, as `withTenant`/`asOperator` open one. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either a database handle or a transaction already open on it. */
export type Db = Database | Tx;
