import { createDb, type Database } from '@glyphoxa/db';
import type { Bindings } from '../env.ts';
import { durableObjectDb } from './config.ts';

/** Longest one Durable Object database call may take before its connection is given up. */
export const DB_CALL_DEADLINE_MS = 10_000;

/**
 * A Durable Object's Postgres connection, shared by the Fleet and the coordinators.
 * An object has one connection, so a call stuck on it (seen: a socket stalled mid-query,
 * the server waiting in ClientRead for minutes) would hold every later write of that
 * object. Past the deadline the call fails as a connection failure (a 503 to callers)
 * and the connection is dropped; the next call opens a fresh one.
 */
export class DurableDatabase {
  private handle: ReturnType<typeof createDb> | undefined;
  private readonly env: Bindings;
  private readonly deadlineMs: number;

  constructor(env: Bindings, deadlineMs = DB_CALL_DEADLINE_MS) {
    this.env = env;
    this.deadlineMs = deadlineMs;
  }

  async run<T>(call: (db: Database) => Promise<T>): Promise<T> {
    const handle = (this.handle ??= createDb(this.env.HYPERDRIVE.connectionString, durableObjectDb(this.env)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (this.handle === handle) this.handle = undefined;
        // Not awaited: ending a stalled socket may stall too. Calls still queued on it fail.
        void handle.close().catch(() => undefined);
        reject(new Error(`connection terminated: no answer from the database within ${this.deadlineMs} ms`));
      }, this.deadlineMs);
    });
    try {
      return await Promise.race([call(handle.db), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
