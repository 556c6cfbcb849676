import { updateSession, writeSession, type SessionChanges } from '@glyphoxa/db';
import type { Logger } from '@glyphoxa/protocol';
import { databaseUnavailable } from '../../errors.ts';
import type { DurableDatabase } from '../database.ts';
import { sessionRowOf, type CoordinatorStore, type LiveSession } from './store.ts';

/** The first pause before a failed write-through is tried again; it doubles with each failure, up to `MAX_RETRY_MS`. */
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 300_000;

/**
 * The write-through of a coordinator's session transitions to Postgres's `sessions`, which the
 * history, the operator's view and the one-live-session-per-guild index read. A write that
 * fails is not lost: the session is marked unwritten in SQLite (so an eviction keeps it) and
 * written again whole, by the alarm after a doubling pause and before the tenant's next start,
 * until Postgres has it. A start given up on for a slow database thus leaves no `pending` row,
 * even if its own insert lands after the coordinator gave up (see `writeSession`).
 */
export class SessionRows {
  private readonly store: CoordinatorStore;
  private readonly database: DurableDatabase;
  private readonly tenantId: string;
  private readonly log: Logger;

  constructor(store: CoordinatorStore, database: DurableDatabase, tenantId: string, log: Logger) {
    this.store = store;
    this.database = database;
    this.tenantId = tenantId;
    this.log = log;
  }

  /** Writes a transition already made in SQLite; answers whether Postgres has it (if not, it is kept for `retry`). */
  async write(sessionId: string, changes: SessionChanges, deadlineMs?: number): Promise<boolean> {
    // A session Postgres already lacks something of is written whole: an update alone could find no row.
    if (this.store.isUnwritten(sessionId)) return this.retryOne(this.store.get(sessionId)!, Date.now(), deadlineMs);
    try {
      await this.database.run((db) => updateSession(db, this.tenantId, sessionId, changes), deadlineMs);
      return true;
    } catch (error) {
      this.keep(sessionId, error, Date.now());
      return false;
    }
  }

  /** Marks the session for writing again later, without trying now (a start given up on for the database). */
  later(sessionId: string, now: number): void {
    this.store.markUnwritten(sessionId, now, FIRST_RETRY_MS, MAX_RETRY_MS);
  }

  /**
   * Writes the unwritten sessions whose pause is over; with `by` (a start's deadline), every
   * one, each given only the time left.
   */
  async retry(now: number, by?: number): Promise<void> {
    for (const { session, retryAt } of this.store.unwritten()) {
      if (by !== undefined && by <= Date.now()) return;
      if (by !== undefined || retryAt <= now) await this.retryOne(session, now, by === undefined ? undefined : by - Date.now());
    }
  }

  private async retryOne(session: LiveSession, now: number, deadlineMs?: number): Promise<boolean> {
    try {
      await this.database.run((db) => writeSession(db, this.tenantId, sessionRowOf(this.tenantId, session)), deadlineMs);
      this.store.markWritten(session.id);
      return true;
    } catch (error) {
      if (databaseUnavailable(error)) {
        this.keep(session.id, error, now);
        return false;
      }
      // Postgres refuses the row itself (its campaign deleted meanwhile, say): trying again changes nothing.
      this.log.error('session state Postgres refuses given up', { session_id: session.id, state: session.state, error: String(error) });
      this.store.markWritten(session.id);
      return false;
    }
  }

  private keep(sessionId: string, error: unknown, now: number): void {
    this.log.warn('session state not written through; kept for writing again', { session_id: sessionId, error: String(error) });
    this.store.markUnwritten(sessionId, now, FIRST_RETRY_MS, MAX_RETRY_MS);
  }
}
