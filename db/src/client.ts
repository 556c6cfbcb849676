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
  const client = inliningParameters(postgresClient(connectionString, {
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

/** Options as postgres.js has parsed them, by connection string and settings, for the isolate's life. */
const parsedOptions = new Map<string, postgres.ParsedOptions>();

/**
 * `postgres(url, settings)`, with the options parsed once. postgres.js parses them on every call:
 * it copies its whole table of type parsers and serializers, and builds a second client, for
 * `subscribe` (logical replication), which nothing here uses. A Worker makes a client per
 * request, and those were a quarter of an NPC knowledge call's allocations, which live until
 * the request's socket closes and so reach V8's old generation: its collections were the calls'
 * p99 (docs/BENCHMARKS.md). Parsed options are handed on as postgres.js hands its own subscribe
 * client its options (`shared` set: not parsed again; `no_subscribe`), with the parts a client
 * writes to (`shared`, `parameters`) its own. A `debug` callback is a closure: those parse anew.
 */
function postgresClient(connectionString: string, settings: postgres.Options<{}>) {
  if (settings.debug) return postgres(connectionString, settings);
  const key = JSON.stringify([connectionString, settings]);
  let parsed = parsedOptions.get(key);
  if (!parsed) {
    parsed = postgres(connectionString, settings).options;
    parsedOptions.set(key, parsed);
  }
  return postgres({ ...parsed, shared: { retries: 0, typeArrayMap: {} }, parameters: {}, no_subscribe: true } as unknown as postgres.Options<{}>);
}

export type Database = ReturnType<typeof createDb>['db'];
/** A transaction, as `withTenant`/`asOperator` open one. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either a database handle or a transaction already open on it. */
export type Db = Database | Tx;
