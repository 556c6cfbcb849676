import { sql } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import type { LoreKind } from '../schema/lore-documents.ts';

export type SearchHitKind = 'entity' | 'lore' | 'transcript';

export type SearchHit = {
  kind: SearchHitKind;
  /** The entity's, the document's or the transcript line's id. */
  id: string;
  /** The entity's name, the document's title, or who spoke the line. */
  title: string;
  /** Where the words matched, the matches in «guillemets». */
  snippet: string;
  /** The transcript line's session; null for entities and lore. */
  sessionId: string | null;
  rank: number;
};

/**
 * Full-text search of one campaign's entities, lore documents and transcripts
 * at once, best matches first. The query is what a user types (`websearch`
 * syntax: words, "a phrase", -not); `simple` parsing, as tables play in many
 * languages. Each source is ranked by its own GIN index, the snippets made
 * only for the hits returned.
 */
export function searchCampaign(db: Db, tenantId: string, campaignId: string, query: string, limit: number): Promise<SearchHit[]> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx.execute<SearchHit & { body: string }>(sql`
      with q as (select websearch_to_tsquery('simple', ${query}) as q),
      hits as (
        (select 'entity' as kind, e.id::text as id, e.name as title, e.description as body, null::text as "sessionId", ts_rank(e.search, q.q) as rank
          from entities e, q where e.tenant_id = ${tenantId} and e.campaign_id = ${campaignId} and e.search @@ q.q
          order by rank desc limit ${limit})
        union all
        (select 'lore', d.id::text, d.title, d.body, null, ts_rank(d.search, q.q) as rank
          from lore_documents d, q where d.tenant_id = ${tenantId} and d.campaign_id = ${campaignId} and d.search @@ q.q
          order by rank desc limit ${limit})
        union all
        (select 'transcript', s.id::text, s.speaker_name, s.text, s.session_id::text, ts_rank(s.search, q.q) as rank
          from session_entries s, q where s.tenant_id = ${tenantId} and s.campaign_id = ${campaignId} and s.search @@ q.q
          order by rank desc limit ${limit})
      ),
      best as (select * from hits order by rank desc, kind, id limit ${limit})
      select best.kind, best.id, best.title, best."sessionId", best.rank::float8 as rank,
        ts_headline('simple', best.body, q.q, 'StartSel=«, StopSel=», MaxWords=30, MinWords=10, MaxFragments=2') as snippet
      from best, q order by best.rank desc, best.kind, best.id`);
    return [...rows].map(({ kind, id, title, snippet, sessionId, rank }) => ({ kind, id, title, snippet, sessionId, rank }));
  });
}

export type LorePassage = { id: string; title: string; kind: LoreKind; snippet: string; rank: number };

/**
 * Ranked passages from one campaign's documents of the given kinds (an NPC's rules
 * look-up reads `rules` and `lore`, never the DM's handouts), the matches in «guillemets».
 */
export function searchLore(db: Db, tenantId: string, campaignId: string, query: string, kinds: LoreKind[], limit: number): Promise<LorePassage[]> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx.execute<LorePassage>(sql`
      with q as (select websearch_to_tsquery('simple', ${query}) as q),
      best as (
        select d.id::text as id, d.title, d.kind, d.body, ts_rank(d.search, q.q) as rank
        from lore_documents d, q
        where d.tenant_id = ${tenantId} and d.campaign_id = ${campaignId} and d.kind::text in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)}) and d.search @@ q.q
        order by rank desc, d.id limit ${limit})
      select best.id, best.title, best.kind, best.rank::float8 as rank,
        ts_headline('simple', best.body, q.q, 'StartSel=«, StopSel=», MaxWords=60, MinWords=20, MaxFragments=2') as snippet
      from best, q order by best.rank desc, best.id`);
    return [...rows].map(({ id, title, kind, snippet, rank }) => ({ id, title, kind, snippet, rank }));
  });
}
