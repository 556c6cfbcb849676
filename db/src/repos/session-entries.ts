import { and, asc, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { sessionEntries, type NewSessionEntry, type SessionEntry } from '../schema/index.ts';

export type TranscriptLine = Pick<NewSessionEntry, 'speakerId' | 'speakerName' | 'npc' | 'text' | 'spokenAt'>;

/**
 * Stores a batch of a session's transcript. A line already stored (same
 * session, time and speaker: a batch resent after a reconnect) is skipped.
 * Returns how many lines were new.
 */
export function appendSessionEntries(
  db: Db,
  tenantId: string,
  session: { id: string; campaignId: string | null },
  lines: TranscriptLine[],
): Promise<number> {
  if (lines.length === 0) return Promise.resolve(0);
  return withTenant(db, tenantId, async (tx) => {
    const rows = lines.map((line) => ({ ...line, tenantId, sessionId: session.id, campaignId: session.campaignId }));
    const inserted = await tx.insert(sessionEntries).values(rows).onConflictDoNothing().returning({ id: sessionEntries.id });
    return inserted.length;
  });
}

/** A session's transcript in the order it was spoken, at most `limit` lines. */
export function listSessionEntries(db: Db, tenantId: string, sessionId: string, limit: number): Promise<SessionEntry[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(sessionEntries)
      .where(and(eq(sessionEntries.tenantId, tenantId), eq(sessionEntries.sessionId, sessionId)))
      .orderBy(asc(sessionEntries.spokenAt), asc(sessionEntries.id))
      .limit(limit),
  );
}
