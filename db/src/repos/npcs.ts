import { and, asc, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { npcs, type NewNpc, type Npc } from '../schema/index.ts';
import { inChunks } from './chunks.ts';

export type NpcFields = Omit<NewNpc, 'id' | 'tenantId' | 'campaignId' | 'createdAt' | 'updatedAt'>;

/** Adds NPCs to a campaign inside an open tenant transaction. */
export async function insertNpcs(tx: Tx, tenantId: string, campaignId: string, rows: NpcFields[]): Promise<void> {
  for (const chunk of inChunks(rows)) await tx.insert(npcs).values(chunk.map((npc) => ({ ...npc, tenantId, campaignId })));
}

/** The campaign's GM helper (the first by name if it has several), or null. */
export function gmHelperNpc(db: Db, tenantId: string, campaignId: string): Promise<Npc | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select()
      .from(npcs)
      .where(and(eq(npcs.tenantId, tenantId), eq(npcs.campaignId, campaignId), eq(npcs.gmHelper, true)))
      .orderBy(asc(npcs.nameKey))
      .limit(1);
    return row ?? null;
  });
}
