import { and, asc, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { sessionEntries, type NewSessionEntry, type SessionEntry } from '../schema/index.ts';

export type TranscriptLine = Pick<NewSessionEntry, 'speakerId' | 'speakerName' | 'npc' | 'text' | 'spokenAt'>;

/**
 * Stores a batch of a session's transcript. A line already stored (same
 * session, time and speaker: a batch resent after a reconnect) is skipped.
 * Returns the lines that were new, as stored (a live transcript pushes only those).
 */
export function appendSessionEntries(
  db: Db,
  tenantId: string,
  session: { id: string; campaignId: string | null },
  lines: TranscriptLine[],
): Promise<SessionEntry[]> {
  if (lines.length === 0) return Promise.resolve([]);
  return withTenant(db, tenantId, async (tx) => {
    const rows = lines.map((line) => ({ ...line, tenantId, sessionId: session.id, campaignId: session.campaignId }));
    return tx.insert(sessionEntries).values(rows).onConflictDoNothing().returning();
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
