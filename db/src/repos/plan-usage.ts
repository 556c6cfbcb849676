import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { sessions, usageRecords } from '../schema/index.ts';
import { withTenant } from '../tenant-isolation/transactions.ts';
import { takenSeats } from './invites.ts';
import { countLiveNpcs } from './npcs.ts';
import { readMonthSessions } from './usage.ts';

/** What a tenant holds of each thing its plan limits, counted as the limits count it. */
export interface PlanUsage {
  /** Sessions started in the month (a failed start not counted). */
  monthlySessions: number;
  /** Session hours recorded for the month (running sessions' hours arrive as their coordinator flushes). */
  monthlySessionHours: number;
  /** Sessions not yet ended. */
  liveSessions: number;
  npcs: number;
  /** Members and pending invites. */
  seats: number;
}

/** The tenant's usage against its plan in `period` (a UTC month, `YYYY-MM`), read in one transaction. */
export function planUsage(db: Db, tenantId: string, period: string): Promise<PlanUsage> {
  return withTenant(db, tenantId, async (tx) => {
    const [hours] = await tx.select({ h: usageRecords.sessionHours }).from(usageRecords).where(and(eq(usageRecords.tenantId, tenantId), eq(usageRecords.period, period)));
    const [live] = await tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(sessions).where(and(eq(sessions.tenantId, tenantId), ne(sessions.state, 'ended')));
    return {
      monthlySessions: (await readMonthSessions(tx, tenantId, period)).started,
      monthlySessionHours: hours?.h ?? 0,
      liveSessions: live?.n ?? 0,
      npcs: await countLiveNpcs(tx, tenantId),
      seats: await takenSeats(tx, tenantId),
    };
  });
}
