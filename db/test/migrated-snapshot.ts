import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/embedded/server.ts';
import { migrate } from '../src/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A tarball of a freshly migrated PGlite data directory (see backends.ts). */
    migratedPglite: string;
  }
}

let dir: string | undefined;

/**
 * Vitest global setup: boots and migrates one PGlite for the whole run and dumps its data
 * directory, so each test file starts its own PGlite from that state instead of paying
 * initdb and every migration again (about 5 s a file on a quiet machine).
 */
export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'gx-db-snapshot-'));
  const dataDir = join(dir, 'data');
  // Migrated through the wire server, as the tests' own databases used to be; on disk, so
  // the result can be reopened and dumped once the server has stopped.
  const server = await startEmbeddedPostgres({ dataDir });
  try {
    await migrate(server.url);
  } finally {
    await server.stop();
  }
  const pglite = await PGlite.create({ dataDir, extensions: { vector } });
  try {
    const tarball = join(dir, 'migrated.tar');
    writeFileSync(tarball, new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer()));
    project.provide('migratedPglite', tarball);
  } finally {
    await pglite.close();
  }
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
