import { and, desc, eq, exists } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { campaigns, recaps, sessionEntries, sessions, type Campaign, type Recap, type RecapSource, type Session } from '../schema/index.ts';

export interface RecapSubject {
  session: Session;
  campaign: Pick<Campaign, 'name' | 'language'> | null;
  /** The recap written before, if any. */
  recap: Recap | null;
}

/**
 * The session a recap is about: the one named, or else the tenant's last ended
 * session with a transcript; with its campaign (name and language) and any recap already written.
 */
export function recapSubject(db: Db, tenantId: string, sessionId?: string): Promise<RecapSubject | null> {
  return withTenant(db, tenantId, async (tx) => {
    const spoken = exists(tx.select({ one: sessionEntries.id }).from(sessionEntries).where(eq(sessionEntries.sessionId, sessions.id)));
    const [row] = await tx
      .select({ session: sessions, campaign: { name: campaigns.name, language: campaigns.language }, recap: recaps })
      .from(sessions)
      .leftJoin(campaigns, eq(campaigns.id, sessions.campaignId))
      .leftJoin(recaps, eq(recaps.sessionId, sessions.id))
      .where(and(eq(sessions.tenantId, tenantId), sessionId ? eq(sessions.id, sessionId) : and(eq(sessions.state, 'ended'), spoken)))
      .orderBy(desc(sessions.startedAt))
      .limit(1);
    return row ?? null;
  });
}

/** Stores a session's recap; if one was written meanwhile, that one stands and is returned. */
export function saveRecap(db: Db, tenantId: string, recap: { sessionId: string; text: string; source: RecapSource }): Promise<Recap> {
  return withTenant(db, tenantId, async (tx) => {
    const [created] = await tx.insert(recaps).values({ ...recap, tenantId }).onConflictDoNothing().returning();
    if (created) return created;
    const [existing] = await tx.select().from(recaps).where(eq(recaps.sessionId, recap.sessionId));
    return existing!;
  });
}
