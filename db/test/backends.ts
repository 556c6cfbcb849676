import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded/server.ts';
import { migrate } from '../src/migrate.ts';

export interface Backend {
  name: string;
  url: () => string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * The databases a data-layer test runs on: always a fresh embedded PGlite, and
 * the real Postgres of DATABASE_URL when `npm test` was given one.
 */
export function backends(): Backend[] {
  let embedded: EmbeddedPostgres | undefined;
  const list: Backend[] = [
    {
      name: 'PGlite',
      url: () => embedded!.url,
      async setup() {
        embedded = await startEmbeddedPostgres();
        await migrate(embedded.url);
      },
      teardown: async () => embedded?.stop(),
    },
  ];
  const external = process.env.DATABASE_URL;
  if (external && process.env.GLYPHOXA_TEST_DB !== 'embedded') {
    list.push({ name: 'Postgres', url: () => external, setup: () => migrate(external), teardown: async () => {} });
  }
  return list;
}

export const uniqueId = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** The database's own error message, under drizzle's "Failed query" wrapper. */
export async function databaseError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return String(cause instanceof Error ? cause.message : (error as Error).message);
  }
  throw new Error('expected the database to refuse');
}
