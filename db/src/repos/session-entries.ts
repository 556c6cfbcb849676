import { and, asc, desc, eq, gte, isNull, sql } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { sessionEntries, type NewSessionEntry, type SessionEntry } from '../schema/index.ts';

export type TranscriptLine = Pick<NewSessionEntry, 'speakerId' | 'speakerName' | 'npc' | 'text' | 'spokenAt'>;

/** A transcript line with the session it was spoken in (a tool event carries `tool`). */
export type SessionLine = TranscriptLine & Pick<NewSessionEntry, 'sessionId' | 'campaignId' | 'tool'>;

/** Which lines a read wants: all, or only what was said (no NPC tool events: recaps, archives). */
export type LineKinds = 'all' | 'spoken';

const kindsFilter = (kinds: LineKinds) => (kinds === 'spoken' ? isNull(sessionEntries.tool) : undefined);

/** Rows per insert: well inside Postgres's 65,535 parameters a statement. */
const ROWS_PER_INSERT = 500;

/**
 * Stores transcript lines, of one session or many of the tenant's, in one transaction.
 * A line already stored (same session, time and speaker: a batch resent after a
 * reconnect or a refusal) is skipped. Returns the lines that were new, as stored (a live
 * transcript pushes only those).
 */
export function appendSessionEntries(db: Db, tenantId: string, lines: SessionLine[]): Promise<SessionEntry[]> {
  if (lines.length === 0) return Promise.resolve([]);
  return withTenant(db, tenantId, async (tx) => {
    const stored: SessionEntry[] = [];
    for (let i = 0; i < lines.length; i += ROWS_PER_INSERT) {
      const rows = lines.slice(i, i + ROWS_PER_INSERT).map((line) => ({ ...line, tenantId }));
      stored.push(...(await tx.insert(sessionEntries).values(rows).onConflictDoNothing().returning()));
    }
    return stored;
  });
}

/**
 * A session's transcript in the order it was spoken, at most `limit` lines; with
 * `after` (a line's id), the lines that follow it (keyset paging on spoken_at, id).
 */
export function listSessionEntries(db: Db, tenantId: string, sessionId: string, limit: number, after?: number, kinds: LineKinds = 'all'): Promise<SessionEntry[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(sessionEntries)
      .where(
        and(
          eq(sessionEntries.tenantId, tenantId),
          eq(sessionEntries.sessionId, sessionId),
          kindsFilter(kinds),
          after === undefined
            ? undefined
            : sql`(${sessionEntries.spokenAt}, ${sessionEntries.id}) > (select e.spoken_at, e.id from ${sessionEntries} e where e.tenant_id = ${tenantId} and e.session_id = ${sessionId} and e.id = ${after})`,
        ),
      )
      .orderBy(asc(sessionEntries.spokenAt), asc(sessionEntries.id))
      .limit(limit),
  );
}

/** What was said in a session since `since` (tool events left out): its last `limit` lines, in the order spoken. */
export async function recentSessionEntries(db: Db, tenantId: string, sessionId: string, since: Date, limit: number): Promise<SessionEntry[]> {
  const newestFirst = await withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(sessionEntries)
      .where(and(eq(sessionEntries.tenantId, tenantId), eq(sessionEntries.sessionId, sessionId), gte(sessionEntries.spokenAt, since), kindsFilter('spoken')))
      .orderBy(desc(sessionEntries.spokenAt), desc(sessionEntries.id))
      .limit(limit),
  );
  return newestFirst.reverse();
}
