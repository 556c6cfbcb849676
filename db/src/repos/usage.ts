import { and, asc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { sessions, sessionUsage, subscriptions, tenants, usageDays, usageRecords, type Subscription, type Tenant, type UsageDay, type UsageRecord } from '../schema/index.ts';
import { dayIn } from '../usage-period.ts';

export interface UsageTotals {
  sessionHours: number;
  llmTokens: number;
  sttSeconds: number;
  ttsChars: number;
  toolCalls: number;
}

export interface SessionUsageTotals extends UsageTotals {
  sessionId: string;
  period: string;
}

/** What a coordinator reads to derive a tenant's limits: the tenant, its subscription, the period's hours. */
export interface TenantWithHours {
  tenant: Tenant;
  subscription: Subscription | null;
  sessionHours: number;
}

/**
 * The sessions started in a month, as Postgres has them: how many (a start that failed does not
 * count), and which of them are not over (their coordinator knows them live; it counts each once).
 */
export interface MonthSessions {
  started: number;
  unended: string[];
}

/** What a coordinator reads before admitting a start: the limits' inputs and the month's sessions. */
export interface TenantForStart extends TenantWithHours {
  monthSessions: MonthSessions;
}

export const ZERO_USAGE: UsageTotals = { sessionHours: 0, llmTokens: 0, sttSeconds: 0, ttsChars: 0, toolCalls: 0 };

/**
 * Records sessions' absolute usage totals and moves the tenant's monthly
 * `usage_records` by the difference to what was recorded before, in one
 * transaction. Writing the same totals twice moves nothing, so a retried or
 * replayed flush can never double usage.
 */
export function recordSessionUsage(db: Db, tenantId: string, totals: SessionUsageTotals[]): Promise<void> {
  if (totals.length === 0) return Promise.resolve();
  return withTenant(db, tenantId, (tx) => recordTotals(tx, tenantId, totals));
}

/**
 * A tenant coordinator's periodic write-through, in one transaction: its sessions'
 * usage totals (as `recordSessionUsage`), their last heartbeats, and the tenant with
 * the period's hours read back. One round a flush period instead of three keeps
 * 10,000 coordinators from queueing for Postgres connections.
 */
export function flushCoordinator(
  db: Db,
  tenantId: string,
  flush: { totals: SessionUsageTotals[]; heartbeats: Array<{ sessionId: string; at: Date }>; period: string },
): Promise<TenantWithHours | null> {
  return withTenant(db, tenantId, async (tx) => {
    await recordTotals(tx, tenantId, flush.totals);
    for (const beat of flush.heartbeats) {
      await tx.update(sessions).set({ lastHeartbeatAt: beat.at }).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, beat.sessionId)));
    }
    return readTenantWithHours(tx, tenantId, flush.period);
  });
}

async function recordTotals(tx: Tx, tenantId: string, totals: SessionUsageTotals[]): Promise<void> {
  const deltas = new Map<string, UsageTotals>();
  for (const t of totals) {
    const [before] = await tx
      .select()
      .from(sessionUsage)
      .where(and(eq(sessionUsage.sessionId, t.sessionId), eq(sessionUsage.period, t.period)))
      .for('update');
    const values = { sessionHours: t.sessionHours, llmTokens: t.llmTokens, sttSeconds: t.sttSeconds, ttsChars: t.ttsChars, toolCalls: t.toolCalls };
    await tx
      .insert(sessionUsage)
      .values({ sessionId: t.sessionId, tenantId, period: t.period, ...values })
      .onConflictDoUpdate({ target: [sessionUsage.sessionId, sessionUsage.period], set: { ...values, updatedAt: new Date() } });
    const delta = deltas.get(t.period) ?? { ...ZERO_USAGE };
    delta.sessionHours += t.sessionHours - (before?.sessionHours ?? 0);
    delta.llmTokens += t.llmTokens - (before?.llmTokens ?? 0);
    delta.sttSeconds += t.sttSeconds - (before?.sttSeconds ?? 0);
    delta.ttsChars += t.ttsChars - (before?.ttsChars ?? 0);
    delta.toolCalls += t.toolCalls - (before?.toolCalls ?? 0);
    deltas.set(t.period, delta);
  }
  const now = new Date();
  for (const [period, d] of deltas) {
    await tx
      .insert(usageRecords)
      .values({ tenantId, period, ...d })
      .onConflictDoUpdate({ target: [usageRecords.tenantId, usageRecords.period], set: { ...addTo(usageRecords, d), updatedAt: now } });
    await tx
      .insert(usageDays)
      .values({ tenantId, day: dayIn(period, now), ...d })
      .onConflictDoUpdate({ target: [usageDays.tenantId, usageDays.day], set: { ...addTo(usageDays, d), updatedAt: now } });
  }
}

/** An upsert's `set` that moves a usage row's quantities by `d`. */
function addTo(table: typeof usageRecords | typeof usageDays, d: UsageTotals) {
  return {
    sessionHours: sql`${table.sessionHours} + ${d.sessionHours}`,
    llmTokens: sql`${table.llmTokens} + ${d.llmTokens}`,
    sttSeconds: sql`${table.sttSeconds} + ${d.sttSeconds}`,
    ttsChars: sql`${table.ttsChars} + ${d.ttsChars}`,
    toolCalls: sql`${table.toolCalls} + ${d.toolCalls}`,
  };
}

/** The tenant, the session hours recorded for it in one period and the period's sessions, in one transaction. */
export function tenantWithHours(db: Db, tenantId: string, period: string): Promise<TenantForStart | null> {
  return withTenant(db, tenantId, async (tx) => {
    const found = await readTenantWithHours(tx, tenantId, period);
    return found && { ...found, monthSessions: await readMonthSessions(tx, tenantId, period) };
  });
}

/** The sessions started in `period` (a UTC month), as Postgres has them. */
export async function readMonthSessions(tx: Tx, tenantId: string, period: string): Promise<MonthSessions> {
  const from = new Date(`${period}-01T00:00:00Z`);
  const until = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const [row] = await tx
    .select({
      started: sql<number>`count(*) filter (where ${sessions.endReason} is distinct from 'failed')`.mapWith(Number),
      // Text, not an array: the client parses no array types it was not told of.
      unended: sql<string | null>`string_agg(${sessions.id}::text, ',') filter (where ${sessions.state} <> 'ended')`,
    })
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), gte(sessions.startedAt, from), lt(sessions.startedAt, until)));
  return { started: row?.started ?? 0, unended: row?.unended ? row.unended.split(',') : [] };
}

async function readTenantWithHours(tx: Tx, tenantId: string, period: string): Promise<TenantWithHours | null> {
  const [found] = await readTenantsWithHours(tx, [tenantId], period);
  return found ?? null;
}

/** These tenants (those that exist) with the session hours recorded for each in one period, in one query. */
export async function readTenantsWithHours(tx: Tx, tenantIds: string[], period: string): Promise<TenantWithHours[]> {
  const rows = await tx
    .select({ tenant: tenants, subscription: subscriptions, sessionHours: usageRecords.sessionHours })
    .from(tenants)
    .leftJoin(usageRecords, and(eq(usageRecords.tenantId, tenants.id), eq(usageRecords.period, period)))
    .leftJoin(subscriptions, eq(subscriptions.tenantId, tenants.id))
    .where(tenantIds.length === 1 ? eq(tenants.id, tenantIds[0]!) : inArray(tenants.id, tenantIds));
  return rows.map((row) => ({ tenant: row.tenant, subscription: row.subscription, sessionHours: row.sessionHours ?? 0 }));
}

/** Monthly usage rows between two periods, inclusive. */
export function listUsage(db: Db, tenantId: string, range: { from: string; to: string }): Promise<UsageRecord[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(usageRecords)
      .where(and(eq(usageRecords.tenantId, tenantId), gte(usageRecords.period, range.from), lte(usageRecords.period, range.to)))
      .orderBy(asc(usageRecords.period)),
  );
}

/** Daily usage rows between two UTC days (`YYYY-MM-DD`), inclusive; days with nothing recorded have no row. */
export function listUsageDays(db: Db, tenantId: string, range: { from: string; to: string }): Promise<UsageDay[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(usageDays)
      .where(and(eq(usageDays.tenantId, tenantId), gte(usageDays.day, range.from), lte(usageDays.day, range.to)))
      .orderBy(asc(usageDays.day)),
  );
}
