import { and, desc, eq, gte, lt, ne, sql } from 'drizzle-orm';
import { asOperator, withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { sessions, type NewSession, type Session, type SessionState } from '../schema/index.ts';

export type SessionChanges = Partial<Pick<Session, 'state' | 'nodeId' | 'endedAt' | 'endReason' | 'lastHeartbeatAt'>>;

/** Write-through of a coordinator's new session; the row keeps the coordinator's id. */
export function insertSession(db: Db, tenantId: string, session: NewSession & { id: string }): Promise<Session> {
  return withTenant(db, tenantId, async (tx) => {
    // A retried write (the first try's answer was lost) finds its row there: the same id is the same session.
    const [row] = await tx.insert(sessions).values({ ...session, tenantId }).onConflictDoNothing({ target: sessions.id }).returning();
    return row ?? (await tx.select().from(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, session.id))))[0]!;
  });
}

/** A session's new state; a row already ended is never moved back (a write that was overtaken by its end lands as nothing). */
export function updateSession(db: Db, tenantId: string, sessionId: string, changes: SessionChanges): Promise<void> {
  return withTenant(db, tenantId, async (tx) => {
    await tx
      .update(sessions)
      .set(changes)
      .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId), changes.state === 'ended' ? undefined : ne(sessions.state, 'ended')));
  });
}

/**
 * The coordinator's whole view of a session, written again after a write-through failed:
 * the row inserted if it never reached Postgres (a start given up on; its own insert, if it
 * still lands, then finds this row and adds nothing), else its state, node, last heartbeat and
 * end set, never moving an ended row back.
 */
export function writeSession(db: Db, tenantId: string, session: NewSession & { id: string }): Promise<void> {
  return withTenant(db, tenantId, async (tx) => {
    await tx
      .insert(sessions)
      .values({ ...session, tenantId })
      .onConflictDoUpdate({
        target: sessions.id,
        set: {
          state: sql`excluded.state`,
          nodeId: sql`excluded.node_id`,
          endedAt: sql`excluded.ended_at`,
          endReason: sql`excluded.end_reason`,
          lastHeartbeatAt: sql`coalesce(excluded.last_heartbeat_at, ${sessions.lastHeartbeatAt})`,
        },
        setWhere: sql`${sessions.tenantId} = ${tenantId} and (${sessions.state} <> 'ended' or excluded.state = 'ended')`,
      });
  });
}

export interface SessionFilter {
  state?: SessionState;
  campaignId?: string;
  /** Started at or after. */
  from?: Date;
  /** Started before. */
  to?: Date;
  /** The page after this session (the last one of the page before): newest first. */
  before?: string;
  limit: number;
}

/** The tenant's sessions, newest first, filtered and paged by keyset (started_at, id). */
export function listSessions(db: Db, tenantId: string, filter: SessionFilter): Promise<Session[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.tenantId, tenantId),
          filter.state ? eq(sessions.state, filter.state) : undefined,
          filter.campaignId ? eq(sessions.campaignId, filter.campaignId) : undefined,
          filter.from ? gte(sessions.startedAt, filter.from) : undefined,
          filter.to ? lt(sessions.startedAt, filter.to) : undefined,
          filter.before
            ? sql`(${sessions.startedAt}, ${sessions.id}) < (select s.started_at, s.id from ${sessions} s where s.tenant_id = ${tenantId} and s.id = ${filter.before})`
            : undefined,
        ),
      )
      .orderBy(desc(sessions.startedAt), desc(sessions.id))
      .limit(filter.limit),
  );
}

/** One of the tenant's sessions, or null. */
export function sessionOf(db: Db, tenantId: string, sessionId: string): Promise<Session | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
    return row ?? null;
  });
}

/** Operator lookup of which tenant a session id belongs to (routes keyed by session id). */
export function findSessionTenant(db: Db, sessionId: string): Promise<string | null> {
  return asOperator(db, async (tx) => {
    const [row] = await tx.select({ tenantId: sessions.tenantId }).from(sessions).where(eq(sessions.id, sessionId));
    return row?.tenantId ?? null;
  });
}
