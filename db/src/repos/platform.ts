import { and, count, desc, eq, gte, inArray, isNotNull, ne, sql, sum } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { asOperator } from '../tenant-isolation/transactions.ts';
import { sessions, tenants, usageRecords, users } from '../schema/index.ts';

/** Session ends that mean something went wrong (not a stop, the quota or a deletion). */
const FAILED_ENDS = ['node_lost', 'failed'] as const;

/**
 * What Postgres knows of the whole platform, for its operators: how many tenants and
 * users, the sessions live now, the recent failed ones, tenants whose slash commands did
 * not register, and the month's metered totals.
 */
export function platformOverview(db: Db, options: { period: string; failedSince: Date; limit: number }) {
  return asOperator(db, async (tx) => {
    const [tenantCount] = await tx.select({ n: count() }).from(tenants);
    const [userCount] = await tx.select({ n: count() }).from(users);
    const live = await tx.select().from(sessions).where(ne(sessions.state, 'ended')).orderBy(desc(sessions.startedAt)).limit(options.limit);
    const liveByState = await tx.select({ state: sessions.state, n: count() }).from(sessions).where(ne(sessions.state, 'ended')).groupBy(sessions.state);
    const failed = await tx
      .select()
      .from(sessions)
      .where(and(inArray(sessions.endReason, [...FAILED_ENDS]), gte(sessions.endedAt, options.failedSince)))
      .orderBy(desc(sessions.endedAt))
      .limit(options.limit);
    const registrationErrors = await tx
      .select({ tenantId: tenants.id, error: tenants.commandsRegistrationError, updatedAt: tenants.updatedAt })
      .from(tenants)
      .where(isNotNull(tenants.commandsRegistrationError))
      .orderBy(desc(tenants.updatedAt))
      .limit(options.limit);
    const [usage] = await tx
      .select({
        tenants: count(),
        sessionHours: sql<number>`coalesce(${sum(usageRecords.sessionHours)}, 0)::float8`,
        llmTokens: sql<number>`coalesce(${sum(usageRecords.llmTokens)}, 0)::float8`,
        sttSeconds: sql<number>`coalesce(${sum(usageRecords.sttSeconds)}, 0)::float8`,
        ttsChars: sql<number>`coalesce(${sum(usageRecords.ttsChars)}, 0)::float8`,
      })
      .from(usageRecords)
      .where(eq(usageRecords.period, options.period));
    return {
      tenants: tenantCount!.n,
      users: userCount!.n,
      live,
      liveCounts: Object.fromEntries(liveByState.map((r) => [r.state, r.n])) as Partial<Record<'pending' | 'active', number>>,
      failed,
      registrationErrors,
      usage: usage!,
    };
  });
}
