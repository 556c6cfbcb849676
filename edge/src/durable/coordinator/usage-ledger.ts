import { effectiveLimits, flushCoordinator, periodOf, type CoordinatorFlush, recordSessionUsage, splitByPeriod, tenantWithHours, type BillingMode, type Database, type Limits, type MonthSessions, type SessionUsageTotals, type Tenant, type TenantWithHours } from '@glyphoxa/db';
import type { Logger } from '@glyphoxa/protocol';
import { databaseUnavailable } from '../../errors.ts';
import type { DurableDatabase } from '../database.ts';
import type { FlushOutcome } from '../flush-writer/flush-writer.ts';
import { lastSign, type CoordinatorStore, type LiveSession, type RecordedHours } from './store.ts';

/**
 * A coordinator's usage books. Session time accrues per UTC month in its SQLite; totals
 * go to Postgres as absolute values (a repeated flush doubles nothing); the month's hours
 * come back with the tenant's limit and are kept in SQLite, so a coordinator evicted
 * between alarms need not re-read them. This coordinator is the only writer of its
 * tenant's session hours, so what Postgres had plus what accrued here is the truth.
 * The hours limit kept is the one the running sessions are held to: a plan change while
 * sessions run never cuts them short (they finish under the more generous of the old and new
 * limit); the next start is admitted under the new one.
 * A flush Postgres refuses for a value it cannot hold (not for being out of reach) is
 * retried row by row, and the rows it still refuses have their node counts (then, if need
 * be, their time) set aside, logged and counted: one bad value never holds the books.
 */
export class UsageLedger {
  private readonly store: CoordinatorStore;
  private readonly database: DurableDatabase;
  private readonly tenantId: string;
  private readonly log: Logger;
  private readonly billing: BillingMode;
  private readonly writeFlush: (flush: CoordinatorFlush) => Promise<FlushOutcome>;
  /** The last write of usage begun: the next waits for it (a batched flush and a session's end take different connections). */
  private lastWrite: Promise<unknown> = Promise.resolve();

  /** `writeFlush`: the periodic flush's way to Postgres, batched with other tenants' (the FlushWriter). */
  constructor(store: CoordinatorStore, database: DurableDatabase, tenantId: string, log: Logger, billing: BillingMode, writeFlush: (flush: CoordinatorFlush) => Promise<FlushOutcome>) {
    this.billing = billing;
    this.writeFlush = writeFlush;
    this.store = store;
    this.database = database;
    this.tenantId = tenantId;
    this.log = log;
  }

  /**
   * Counts an active session's time, in the month it was spent, up to `now` but never past
   * its last sign of life: a node that died is not billed until its death was noticed. Nor past
   * the month's hours where they are known: a listing that came after they ran out, before the
   * quota's alarm ended the session, is not billed (the rest is counted if the limit is raised).
   * `also`: other changes of the session, stored in the same statement.
   */
  accrue(session: LiveSession, now: number, also: Partial<LiveSession> = {}): void {
    const from = session.accruedUntil ?? session.activatedAt ?? now;
    const left = periodOf(from) === periodOf(now) ? this.msLeft(now) : null;
    this.accrueUntil(session, Math.min(now, lastSign(session), from + (left ?? Number.POSITIVE_INFINITY)), also);
  }

  /**
   * Counts an ending session's time. One its node ran until the end (`alive`: a stop, the
   * quota, on a node known to run it) is billed to the end, `now`, but never past the month's
   * hours as counted here (`msLeft`); any other only to its last sign of life (`accrue`).
   */
  accrueEnded(session: LiveSession, now: number, alive: boolean): void {
    if (!alive) return this.accrue(session, now);
    // Every running session's time to its last sign is spent: counted before what is left.
    for (const s of this.store.live()) if (s.state === 'active') this.accrue(s, now);
    const counted = this.store.get(session.id) ?? session;
    const from = counted.accruedUntil ?? counted.activatedAt ?? now;
    this.accrueUntil(counted, Math.min(now, from + (this.msLeft(now) ?? 0)));
  }

  /** The month's time left as counted here (what was read plus what accrued since), in ms; infinite with no limit, null when not known (the hours kept are behind, or another month's). */
  private msLeft(now: number): number | null {
    const recorded = this.store.recordedHours;
    if (!recorded) return null;
    if (recorded.limit === null) return Number.POSITIVE_INFINITY;
    if (recorded.stale || recorded.period !== periodOf(now)) return null;
    // Whole milliseconds, rounded up: time billed to the limit then reads as all of it used, not a float's breadth short.
    return Math.max(0, Math.ceil((recorded.limit - recorded.hours - this.store.unflushedHours(recorded.period)) * 3600_000));
  }

  /** Reads the month's hours anew when a limit holds and those kept are behind (a flush since, a new month), for `accrueEnded`; a failure leaves them unknown. */
  async knowHoursLeft(now: number): Promise<void> {
    const recorded = this.store.recordedHours;
    if (recorded && (recorded.limit === null || (!recorded.stale && recorded.period === periodOf(now)))) return;
    await this.read(now).catch((error: unknown) => this.log.warn('hours left not learned; the stop is billed to the last sign of life', { error: String(error) }));
  }

  /** Counts an active session's time from where it was counted to `until`, in the months it was spent. */
  private accrueUntil(session: LiveSession, until: number, also: Partial<LiveSession> = {}): void {
    const from = session.accruedUntil ?? session.activatedAt ?? until;
    if (session.state !== 'active' || until <= from) {
      this.store.update(session.id, also);
      return;
    }
    for (const part of splitByPeriod(from, until)) this.store.addSessionSeconds(session.id, part.period, part.seconds);
    this.store.update(session.id, { ...also, accruedUntil: until });
    session.accruedUntil = until;
  }

  /** The tenant, its limits, this month's hours used and its sessions, read from Postgres now (by `deadline`, if given); null if the tenant is gone. */
  async read(now: number, deadline?: number): Promise<{ tenant: Tenant; limits: Limits; hoursUsed: number; monthSessions: MonthSessions } | null> {
    const period = periodOf(now);
    const query = (db: Database) => tenantWithHours(db, this.tenantId, period);
    const found = await (deadline === undefined ? this.database.run(query) : this.database.runBy(deadline, query));
    if (!found) return null;
    for (const s of this.store.live()) this.accrue(s, now);
    const limits = this.limitsOf(found, now);
    this.store.recordedHours = this.recorded(period, found.sessionHours, limits.monthlySessionHours, now);
    return { tenant: found.tenant, limits, hoursUsed: found.sessionHours + this.store.unflushedHours(period), monthSessions: found.monthSessions };
  }

  /** The month's hours as read, to keep, with the limit the running sessions are held to (see the class). */
  private recorded(period: string, hours: number, limit: number | null, now: number): RecordedHours {
    const held = this.store.recordedHours;
    const running = this.store.live().length > 0 && held?.period === period;
    return { period, hours, limit: running ? moreGenerous(held.limit, limit) : limit, readAt: now };
  }

  /** This month's hours used and the limit, re-read from Postgres when older than `maxAgeMs`. */
  async hours(now: number, maxAgeMs: number): Promise<{ used: number; limit: number | null } | null> {
    const cached = this.store.recordedHours;
    if (!cached || cached.stale || cached.period !== periodOf(now) || now - cached.readAt >= maxAgeMs) {
      if (!(await this.read(now))) return null;
    }
    const recorded = this.store.recordedHours!;
    return { used: recorded.hours + this.store.unflushedHours(recorded.period), limit: recorded.limit };
  }

  /** The hours left this month as last read, counting what accrued until `now`; null when unlimited or not read this month. */
  hoursLeft(now: number, active: LiveSession[]): number | null {
    const recorded = this.store.recordedHours;
    if (!recorded || recorded.stale || recorded.limit === null || recorded.period !== periodOf(now)) return null;
    for (const s of active) this.accrue(s, now);
    return recorded.limit - recorded.hours - this.store.unflushedHours(recorded.period);
  }

  private limitsOf(found: TenantWithHours, now: number): Limits {
    return effectiveLimits({ tenant: found.tenant, subscription: found.subscription, billing: this.billing, now }).limits;
  }

  /** Whether anything accrues or waits for Postgres. */
  pending(active: LiveSession[]): boolean {
    return active.length > 0 || this.store.unflushed().length > 0;
  }

  /** Writes the totals Postgres lacks (a session just ended). */
  flush(): Promise<void> {
    return this.inTurn(() => this.flushNow());
  }

  private async flushNow(): Promise<void> {
    if (this.store.unflushed().length === 0) return;
    const { totals } = await this.write((t) => this.database.run((db) => recordSessionUsage(db, this.tenantId, t)));
    this.store.markFlushed(totals);
    // The hours read are behind what was just written; the limit the running sessions are held to stands.
    const recorded = this.store.recordedHours;
    if (recorded) this.store.recordedHours = { ...recorded, stale: true };
  }

  /**
   * The flush period's write-through: usage, the sessions' last heartbeats (the web's history
   * view shows them), and the month's hours read back, in one transaction with other tenants'
   * flushes. A value Postgres refuses fails only this tenant's, which then writes alone and
   * sets aside what it cannot store.
   */
  flushAndRead(now: number): Promise<void> {
    return this.inTurn(() => this.flushAndReadNow(now));
  }

  private async flushAndReadNow(now: number): Promise<void> {
    const heartbeats = this.store
      .live()
      .filter((s) => s.state === 'active' && s.lastHeartbeatAt)
      .map((s) => ({ sessionId: s.id, at: new Date(s.lastHeartbeatAt!) }));
    const period = periodOf(now);
    const totals = this.store.unflushed();
    const outcome = await this.writeFlush({ tenantId: this.tenantId, totals, heartbeats, period });
    let found: TenantWithHours | null;
    if (outcome.ok) {
      this.store.markFlushed(totals);
      found = outcome.found;
    } else if (outcome.unavailable) {
      throw new Error(`usage not flushed: ${outcome.error}`);
    } else {
      const alone = await this.write((t) => this.database.run((db) => flushCoordinator(db, this.tenantId, { totals: t, heartbeats, period })));
      this.store.markFlushed(alone.totals);
      found = alone.result;
    }
    this.store.flushed(now, found && this.recorded(period, found.sessionHours, this.limitsOf(found, now).monthlySessionHours, now));
  }

  /** Runs `write` once the usage writes begun before it settled: two in flight could both count a new row's totals. */
  private inTurn<T>(write: () => Promise<T>): Promise<T> {
    const turn = this.lastWrite.then(write, write);
    this.lastWrite = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Runs `write` with the unflushed totals. Refused for their values (not for being out of
   * reach, which is thrown: the next flush tries again), the rows are tried one by one, what
   * a row cannot hold is set aside (its node counts, then if need be its time), and `write`
   * runs again with the rest.
   */
  private async write<T>(write: (totals: SessionUsageTotals[]) => Promise<T>): Promise<{ totals: SessionUsageTotals[]; result: T }> {
    const totals = this.store.unflushed();
    try {
      return { totals, result: await write(totals) };
    } catch (error) {
      if (databaseUnavailable(error) || totals.length === 0) throw error;
    }
    for (const row of totals) await this.setAsideWhatCannotBeStored(row.sessionId, row.period);
    const kept = this.store.unflushed();
    return { totals: kept, result: await write(kept) };
  }

  /** Writes one row alone (absolute totals: writing it again moves nothing); what Postgres refuses of it is set aside. */
  private async setAsideWhatCannotBeStored(sessionId: string, period: string): Promise<void> {
    for (const withTime of [false, true]) {
      const row = this.store.unflushed().find((t) => t.sessionId === sessionId && t.period === period);
      if (!row) return;
      try {
        await this.database.run((db) => recordSessionUsage(db, this.tenantId, [row]));
        return;
      } catch (error) {
        if (databaseUnavailable(error)) throw error;
        // The driver's words, not the ORM's wrapper quoting the whole statement.
        const why = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
        // `llm`, not `llm_tokens`: the logger redacts fields named like tokens.
        this.log.error('usage Postgres cannot store was set aside', { session_id: sessionId, period, with_time: withTime, error: why, llm: row.llmTokens, stt_seconds: row.sttSeconds, tts_chars: row.ttsChars });
        this.store.setAside(row, why, withTime, Date.now());
      }
    }
  }

  /** Whether a flush period has passed since the last one. */
  flushDue(now: number, intervalMs: number): boolean {
    return now - this.store.lastFlushAt >= intervalMs;
  }
}

/** Of two hours limits (null: unlimited), the one allowing more. */
function moreGenerous(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}
