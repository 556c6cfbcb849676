import { flushCoordinators, type CoordinatorFlush, type TenantWithHours } from '@glyphoxa/db';
import { createLogger, type Logger } from '@glyphoxa/protocol';
import { databaseUnavailable } from '../../errors.ts';
import { ControlObject } from '../control-object.ts';
import { DB_CALL_DEADLINE_MS, DurableDatabase } from '../database.ts';
import { GatheredCalls } from './gathered-calls.ts';

/** How one coordinator's flush went: the tenant with the month's hours, or why not (`unavailable`: out of reach or too slow, try again later). */
export type FlushOutcome = { ok: true; found: TenantWithHours | null } | { ok: false; unavailable: boolean; error: string };

/** Coordinators' flushes in one transaction at most (one JSON parameter of their rows each statement). */
const MAX_FLUSHES_PER_BATCH = 500;
/** The longest a flush waits for others to join it: its coordinator's alarm waits that long for its answer. */
const MAX_GATHER_MS = 1000;

/**
 * One per deployment (see `flushWriterOf`): writes the tenant coordinators' periodic flushes
 * (usage totals, last heartbeats, the month's hours read back) to Postgres in batches, one
 * transaction for all the flushes that arrived within a moment of each other, over one
 * connection it keeps. A coordinator then costs Postgres no transaction and no connection of
 * its own a flush period, and 10,000 of them a few transactions a second in all. A value
 * one tenant's rows cannot hold fails only that tenant's flush: the batch is retried tenant
 * by tenant, and the coordinator sets the value aside itself (see `UsageLedger`).
 */
export class FlushWriter extends ControlObject {
  private readonly log: Logger = createLogger({ component: 'flush-writer' });
  /** Kept open: the one writer of every coordinator's flushes is busy all the time, so its connection is never idle for long. */
  private readonly connection = new DurableDatabase(this.env, DB_CALL_DEADLINE_MS, { keepIdle: true });
  private readonly batches = new GatheredCalls<CoordinatorFlush, FlushOutcome>((flushes) => this.write(flushes), {
    // A hundredth of the flush period: coordinators' flushes spread over the period, so as many go together.
    gatherMs: Math.min(MAX_GATHER_MS, this.config.usageFlushIntervalMs / 100),
    maxItems: MAX_FLUSHES_PER_BATCH,
  });

  /** Writes one coordinator's flush with the others that arrive meanwhile. */
  flush(flush: CoordinatorFlush): Promise<FlushOutcome> {
    return this.batches.call(flush);
  }

  private async write(flushes: CoordinatorFlush[]): Promise<FlushOutcome[]> {
    try {
      const found = await this.connection.run((db) => flushCoordinators(db, flushes));
      return found.map((f) => ({ ok: true, found: f }));
    } catch (error) {
      if (databaseUnavailable(error) || flushes.length === 1) {
        this.log.warn('coordinator flushes not written', { flushes: flushes.length, tenant_id: flushes.length === 1 ? flushes[0]!.tenantId : undefined, error: String(error) });
        return flushes.map(() => ({ ok: false, unavailable: databaseUnavailable(error), error: String(error) }));
      }
      // One tenant's value fails the whole transaction: each tenant alone, so only its own flush fails.
      const outcomes: FlushOutcome[] = [];
      for (const f of flushes) outcomes.push(...(await this.write([f])));
      return outcomes;
    }
  }
}
