import { sql } from 'drizzle-orm';
import { entities, insertEntities, insertRelationships, withTenant, type Db, type RelationshipFields } from '../../db/src/index.ts';

/** Deterministic, so every run measures the same campaign. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A campaign's knowledge graph for load: `Entity 0`…`Entity n-1`, joined at random by
 * confirmed edges, as a campaign's facts are, then analysed for the planner (autovacuum's
 * statistics on a server; PGlite runs no autovacuum). Returns the entities' ids.
 */
export async function loadCampaignGraph(db: Db, tenantId: string, campaignId: string, size: { entities: number; relationships: number; rand: () => number }): Promise<string[]> {
  const { rand } = size;
  const ids = await withTenant(db, tenantId, async (tx) => {
    await insertEntities(tx, tenantId, campaignId, Array.from({ length: size.entities }, (_, i) => ({ name: `Entity ${i}`, type: 'lore' as const, description: `Fact number ${i} of the campaign.` })));
    return (await tx.select({ id: entities.id }).from(entities).where(sql`${entities.campaignId} = ${campaignId}`)).map((row) => row.id);
  });
  const edges: RelationshipFields[] = [];
  const seen = new Set<string>();
  while (edges.length < size.relationships) {
    const source = ids[Math.floor(rand() * ids.length)]!;
    const target = ids[Math.floor(rand() * ids.length)]!;
    if (source === target || seen.has(`${source}:${target}`)) continue;
    seen.add(`${source}:${target}`);
    edges.push({ sourceId: source, targetId: target, type: 'knows', dmConfirmed: true });
  }
  await withTenant(db, tenantId, (tx) => insertRelationships(tx, tenantId, campaignId, edges));
  await db.execute(sql.raw('analyze entities, relationships'));
  return ids;
}
