import type { Database } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';

/** How long Postgres has to answer before the edge counts as not ready. */
const READY_TIMEOUT_MS = 1000;

export type Probe = { ok: true; latency_ms: number } | { ok: false; error: string };

/** Whether the edge can serve: Postgres answers `select 1` within a second (/readyz, and the super admins' health screen). */
export async function readiness(db: Database): Promise<{ ready: boolean; checks: { postgres: Probe } }> {
  const postgres = await probe(() => db.execute(sql`select 1`), READY_TIMEOUT_MS);
  return { ready: postgres.ok, checks: { postgres } };
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<Probe> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true, latency_ms: Date.now() - started };
  } catch (error) {
    return { ok: false, error: rootMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The driver's own words ("connect ECONNREFUSED ..."), not the ORM's "Failed query" wrapper. */
function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
