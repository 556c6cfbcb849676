import { createDb, type Database } from '@glyphoxa/db';
import type { Bindings } from '../env.ts';
import { databaseUnavailable } from '../errors.ts';
import { durableObjectDb } from './config.ts';

/** Longest one Durable Object database call may take before its connection is given up. */
export const DB_CALL_DEADLINE_MS = 10_000;

/** The first pause before a call the database would not take is tried again; it doubles each time. */
const FIRST_RETRY_MS = 50;

/** The database did not serve a call by its deadline (it was out of reach or too slow throughout). */
export class DatabaseDeadlineExceeded extends Error {
  constructor(waitedMs: number, cause: unknown) {
    super(`the database did not serve the call within ${waitedMs} ms`, { cause });
    this.name = 'DatabaseDeadlineExceeded';
  }
}

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
  private readonly keepIdle: boolean;

  /** `keepIdle`: the connection stays open while idle, whatever `DB_IDLE_TIMEOUT_S` says (an object busy all the time). */
  constructor(env: Bindings, deadlineMs = DB_CALL_DEADLINE_MS, options: { keepIdle?: boolean } = {}) {
    this.env = env;
    this.deadlineMs = deadlineMs;
    this.keepIdle = options.keepIdle ?? false;
  }

  /**
   * `call` by the epoch-ms `deadline`: tried again, after a growing pause, while the database
   * is out of reach or does not answer, each try given only the time left; still unserved at
   * the deadline, it fails as DatabaseDeadlineExceeded. Other errors fail at once. Only for
   * calls that may run twice: a try given up on may still have reached the database.
   */
  async runBy<T>(deadline: number, call: (db: Database) => Promise<T>): Promise<T> {
    const started = Date.now();
    let lastError: unknown;
    for (let pause = FIRST_RETRY_MS; ; pause *= 2) {
      const left = deadline - Date.now();
      if (left <= 0) throw new DatabaseDeadlineExceeded(Date.now() - started, lastError);
      try {
        return await this.run(call, left);
      } catch (error) {
        if (!databaseUnavailable(error)) throw error;
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
      }
    }
  }

  async run<T>(call: (db: Database) => Promise<T>, deadlineMs = this.deadlineMs): Promise<T> {
    const handle = (this.handle ??= createDb(this.env.HYPERDRIVE.connectionString, this.keepIdle ? { max: 1 } : durableObjectDb(this.env)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (this.handle === handle) this.handle = undefined;
        // At once, not after its queries: a transaction given up on must not commit later (the
        // server rolls back what a vanished client left open). Not awaited: a stalled socket may
        // stall its end too. Calls still queued on it fail.
        void handle.client.end({ timeout: 0 }).catch(() => undefined);
        reject(new Error(`connection terminated: no answer from the database within ${deadlineMs} ms`));
      }, deadlineMs);
    });
    try {
      return await Promise.race([call(handle.db), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
