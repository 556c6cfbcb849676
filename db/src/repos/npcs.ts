import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { campaigns, npcs, type NewNpc, type Npc } from '../schema/index.ts';
import { inChunks } from './chunks.ts';
import { liveCampaign } from './campaigns.ts';
import { lockTenantRow } from './tenants.ts';

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

/** The NPCs of one of the tenant's live campaigns, by name; null when it has no such campaign. */
export function listNpcs(db: Db, tenantId: string, campaignId: string): Promise<Npc[] | null> {
  return withTenant(db, tenantId, async (tx) => {
    if (!(await liveCampaign(tx, tenantId, campaignId))) return null;
    return tx.select().from(npcs).where(and(eq(npcs.tenantId, tenantId), eq(npcs.campaignId, campaignId))).orderBy(asc(npcs.nameKey));
  });
}

/**
 * Whether the tenant's live campaigns can take `adding` more NPCs under `maxNpcs` (null: no bound):
 * null when they can, else `{ limitReached }` (the NPCs they hold). The tenant row is locked
 * first, so the count and the caller's insert cannot be overtaken by a concurrent one.
 */
export async function npcRoom(tx: Tx, tenantId: string, adding: number, maxNpcs: number | null): Promise<{ limitReached: number } | null> {
  if (maxNpcs === null || adding === 0) return null;
  await lockTenantRow(tx, tenantId);
  const held = await countLiveNpcs(tx, tenantId);
  return held + adding > maxNpcs ? { limitReached: held } : null;
}

/** The NPCs of the tenant's live campaigns: what a plan's NPC limit counts. */
export async function countLiveNpcs(tx: Tx, tenantId: string): Promise<number> {
  const [held] = await tx
    .select({ n: count() })
    .from(npcs)
    .innerJoin(campaigns, eq(campaigns.id, npcs.campaignId))
    .where(and(eq(npcs.tenantId, tenantId), isNull(campaigns.deletedAt)));
  return held!.n;
}

/**
 * Adds one NPC to one of the tenant's live campaigns; null when it has no such campaign,
 * `{ limitReached }` (the NPCs it has) when it already has `maxNpcs` (null: no bound).
 */
export function createNpc(db: Db, tenantId: string, campaignId: string, fields: NpcFields, maxNpcs: number | null = null): Promise<Npc | null | { limitReached: number }> {
  return withTenant(db, tenantId, async (tx) => {
    // Foreign keys do not see a soft delete: a deleted campaign takes no new NPCs.
    if (!(await liveCampaign(tx, tenantId, campaignId))) return null;
    const full = await npcRoom(tx, tenantId, 1, maxNpcs);
    if (full) return full;
    const [row] = await tx.insert(npcs).values({ ...fields, tenantId, campaignId }).returning();
    return row!;
  });
}

/** An NPC of one of the tenant's live campaigns, or null. */
export function getNpc(db: Db, tenantId: string, npcId: string): Promise<Npc | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select({ npc: npcs }).from(npcs).innerJoin(campaigns, liveNpcCampaign(tenantId)).where(and(eq(npcs.tenantId, tenantId), eq(npcs.id, npcId)));
    return row?.npc ?? null;
  });
}

/** Replaces every field of the NPC; null when the tenant has no such NPC in a live campaign. */
export function updateNpc(db: Db, tenantId: string, npcId: string, fields: NpcFields): Promise<Npc | null> {
  return withTenant(db, tenantId, async (tx) => {
    if (!(await liveNpcId(tx, tenantId, npcId))) return null;
    const [row] = await tx.update(npcs).set({ ...fields, updatedAt: new Date() }).where(and(eq(npcs.tenantId, tenantId), eq(npcs.id, npcId))).returning();
    return row ?? null;
  });
}

/** Deletes the NPC; null when the tenant has no such NPC in a live campaign. */
export function deleteNpc(db: Db, tenantId: string, npcId: string): Promise<Npc | null> {
  return withTenant(db, tenantId, async (tx) => {
    if (!(await liveNpcId(tx, tenantId, npcId))) return null;
    const [row] = await tx.delete(npcs).where(and(eq(npcs.tenantId, tenantId), eq(npcs.id, npcId))).returning();
    return row ?? null;
  });
}

const liveNpcCampaign = (tenantId: string) => and(eq(campaigns.id, npcs.campaignId), eq(campaigns.tenantId, tenantId), isNull(campaigns.deletedAt));

async function liveNpcId(tx: Tx, tenantId: string, npcId: string): Promise<boolean> {
  const [row] = await tx.select({ id: npcs.id }).from(npcs).innerJoin(campaigns, liveNpcCampaign(tenantId)).where(and(eq(npcs.tenantId, tenantId), eq(npcs.id, npcId)));
  return row !== undefined;
}
