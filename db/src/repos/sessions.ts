import { and, desc, eq } from 'drizzle-orm';
import { asOperator, withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { sessions, type NewSession, type Session, type SessionState } from '../schema/index.ts';

export type SessionChanges = Partial<Pick<Session, 'state' | 'nodeId' | 'endedAt' | 'endReason' | 'lastHeartbeatAt'>>;

/** Write-through of a coordinator's new session; the row keeps the coordinator's id. */
export function insertSession(db: Db, tenantId: string, session: NewSession & { id: string }): Promise<Session> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.insert(sessions).values({ ...session, tenantId }).returning();
    return row!;
  });
}

export function updateSession(db: Db, tenantId: string, sessionId: string, changes: SessionChanges): Promise<void> {
  return withTenant(db, tenantId, async (tx) => {
    await tx.update(sessions).set(changes).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
  });
}

export function listSessions(
  db: Db,
  tenantId: string,
  filter: { state?: SessionState; limit: number },
): Promise<Session[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.tenantId, tenantId), filter.state ? eq(sessions.state, filter.state) : undefined))
      .orderBy(desc(sessions.startedAt))
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
