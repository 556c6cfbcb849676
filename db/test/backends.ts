import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded/server.ts';
import { migrate } from '../src/migrate.ts';

export interface Backend {
  name: string;
  url: () => string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * The databases a data-layer test runs on: always an embedded PGlite of its own, and
 * the real Postgres of DATABASE_URL when `npm test` was given one.
 * The PGlite starts from the run's one migrated data directory (test/migrated-snapshot.ts),
 * unless `fresh`: then it boots empty and runs every migration itself.
 */
export function backends(options: { fresh?: boolean } = {}): Backend[] {
  let embedded: EmbeddedPostgres | undefined;
  const list: Backend[] = [
    {
      name: 'PGlite',
      url: () => embedded!.url,
      async setup() {
        if (options.fresh) {
          embedded = await startEmbeddedPostgres();
          await migrate(embedded.url);
        } else {
          embedded = await startEmbeddedPostgres({ loadDataDir: new Blob([readFileSync(inject('migratedPglite'))]) });
        }
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
