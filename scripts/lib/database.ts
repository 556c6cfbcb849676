import { startEmbeddedPostgres } from '../../db/src/embedded/server.ts';
import { migrate } from '../../db/src/migrate.ts';

export interface ProvisionedDatabase {
  url: string;
  embedded: boolean;
  /** Settles if the embedded Postgres fails while running; an external one is not ours to watch. */
  failure: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` when set, otherwise the embedded Postgres (in `dataDir`, or in
 * memory); migrated either way.
 */
export async function provisionDatabase(options: { dataDir?: string; port?: number }): Promise<ProvisionedDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) {
    await migrate(external);
    return { url: external, embedded: false, failure: new Promise(() => {}), stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.port ?? 0 });
  try {
    await migrate(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url, embedded: true, failure: server.failure, stop: () => server.stop() };
}
