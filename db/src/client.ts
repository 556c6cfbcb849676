import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export interface ClientOptions {
  /** Pool size; inside a Worker request keep it small, Hyperdrive pools for us. */
  max?: number;
  connectTimeoutSeconds?: number;
}

/**
 * The one way to reach Postgres: postgres.js under drizzle. Unnamed statements
 * (`prepare: false`) because both Hyperdrive and the embedded database's
 * connection multiplexer share server sessions between clients.
 */
export function createDb(connectionString: string, options: ClientOptions = {}) {
  const client = postgres(connectionString, {
    max: options.max ?? 10,
    prepare: false,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    onnotice: () => {},
  });
  const db = drizzle(client, { schema });
  return { db, client, close: () => client.end({ timeout: 5 }) };
}

export type Database = ReturnType<typeof createDb>['db'];
