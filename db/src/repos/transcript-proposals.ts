import { sql } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';

/** What a proposal from a transcript claims: the two were spoken of together. The DM names it better on accepting. */
export const TRANSCRIPT_PROPOSAL_TYPE = 'mentioned_with';

/**
 * After a session: every pair of its campaign's entities named in one spoken line of
 * its transcript (tool events are the NPC's look-ups, not the table's talk) (the name anywhere in the line, ignoring case) becomes a
 * proposal, `source: transcript`, unconfirmed, for the DM to accept or reject.
 * Confidence grows with the lines naming both (1 line 0.5, 3 lines 0.75). A pair
 * already related either way, by the DM or an earlier proposal, is left as it
 * is. One statement; returns how many proposals it made.
 */
export function proposeFromTranscript(db: Db, tenantId: string, sessionId: string): Promise<number> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx.execute<{ id: string }>(sql`
      insert into relationships (tenant_id, campaign_id, source_id, target_id, type, bidirectional, session_id, confidence, source, dm_confirmed)
      select l.tenant_id, l.campaign_id, a.id, b.id, ${TRANSCRIPT_PROPOSAL_TYPE}, true, l.session_id, (count(*)::real / (count(*) + 1)), 'transcript', false
      from session_entries l
      join entities a on a.tenant_id = l.tenant_id and a.campaign_id = l.campaign_id and position(a.name_key in lower(l.text)) > 0
      join entities b on b.tenant_id = l.tenant_id and b.campaign_id = l.campaign_id and a.id < b.id and position(b.name_key in lower(l.text)) > 0
      where l.tenant_id = ${tenantId} and l.session_id = ${sessionId} and l.campaign_id is not null and l.tool is null
        and not exists (
          select 1 from relationships r
          where r.campaign_id = l.campaign_id and ((r.source_id = a.id and r.target_id = b.id) or (r.source_id = b.id and r.target_id = a.id))
        )
      group by l.tenant_id, l.campaign_id, l.session_id, a.id, b.id
      on conflict do nothing
      returning id`);
    return [...rows].length;
  });
}
