import { and, asc, count, eq, ilike, isNull, sql } from 'drizzle-orm';
import { asOperator, tenantRowsQuery, withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { campaigns, entities, npcs, tenants, type Campaign, type EntityKind, type NewCampaign, type Npc } from '../schema/index.ts';
import { insertEntities, type EntityFields } from './entities.ts';
import { insertNpcs, npcRoom, type NpcFields } from './npcs.ts';
import { containsPattern } from './patterns.ts';

export type CampaignFields = Omit<NewCampaign, 'id' | 'tenantId' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

/** A campaign and what it holds, as one unit: what `/campaign load` creates. */
export interface CampaignContent {
  campaign: CampaignFields;
  npcs: NpcFields[];
  entities: EntityFields[];
}

const live = (tenantId: string) => and(eq(campaigns.tenantId, tenantId), isNull(campaigns.deletedAt));

/**
 * Creates the campaign with its NPCs and entities in one transaction, and with
 * `makeCurrent` makes it the tenant's current one. `null`: the tenant already
 * has a campaign of that name (ignoring case); `{ limitReached }` (the NPCs the tenant
 * holds): its NPCs would pass `maxNpcs` (null or absent: no bound).
 */
export function createCampaign(db: Db, tenantId: string, content: CampaignContent, options: { makeCurrent: boolean; maxNpcs: number | null }): Promise<Campaign | null | { limitReached: number }>;
export function createCampaign(db: Db, tenantId: string, content: CampaignContent, options: { makeCurrent: boolean }): Promise<Campaign | null>;
export function createCampaign(db: Db, tenantId: string, content: CampaignContent, options: { makeCurrent: boolean; maxNpcs?: number | null }): Promise<Campaign | null | { limitReached: number }> {
  return withTenant(db, tenantId, async (tx) => {
    const full = await npcRoom(tx, tenantId, content.npcs.length, options.maxNpcs ?? null);
    if (full) return full;
    const [campaign] = await tx.insert(campaigns).values({ ...content.campaign, tenantId }).onConflictDoNothing().returning();
    if (!campaign) return null;
    await insertNpcs(tx, tenantId, campaign.id, content.npcs);
    await insertEntities(tx, tenantId, campaign.id, content.entities);
    if (options.makeCurrent) await tx.update(tenants).set({ campaignId: campaign.id, updatedAt: new Date() }).where(eq(tenants.id, tenantId));
    return campaign;
  });
}

export function getCampaign(db: Db, tenantId: string, campaignId: string): Promise<Campaign | null> {
  return withTenant(db, tenantId, async (tx) => (await liveCampaign(tx, tenantId, campaignId)) ?? null);
}

/**
 * The tenant holding a live campaign of that id, across tenants (null: none): for routes that
 * name a campaign without its tenant, which then check the caller may act there.
 */
export async function tenantOfCampaign(db: Db, campaignId: string): Promise<string | null> {
  const [row] = await asOperator(db, (tx) => tx.select({ tenantId: campaigns.tenantId }).from(campaigns).where(and(eq(campaigns.id, campaignId), isNull(campaigns.deletedAt))));
  return row?.tenantId ?? null;
}

/** The tenant's campaign of that name, ignoring case. */
export function findCampaignByName(db: Db, tenantId: string, name: string): Promise<Campaign | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(campaigns).where(and(live(tenantId), eq(campaigns.nameKey, sql`lower(${name})`)));
    return row ?? null;
  });
}

/** The tenant's live campaigns by name, up to `limit`: the statement built once (tenantRowsQuery). */
const liveCampaigns = tenantRowsQuery(campaigns, (qb) =>
  qb
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.tenantId, sql.placeholder('tenantId')), isNull(campaigns.deletedAt)))
    .orderBy(asc(campaigns.nameKey))
    .limit(sql.placeholder('limit')),
);

/**
 * The tenant's campaigns whose name contains `typed` (autocomplete), by name. Without
 * `typed`, the dashboard's list, in one round trip; with it (a pattern that is not inlined), in withTenant.
 */
export function listCampaigns(db: Db, tenantId: string, filter: { typed?: string; limit: number }): Promise<Campaign[]> {
  if (!filter.typed) return liveCampaigns(db, tenantId, { tenantId, limit: filter.limit });
  const typed = filter.typed;
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(campaigns)
      .where(and(live(tenantId), ilike(campaigns.name, containsPattern(typed))))
      .orderBy(asc(campaigns.nameKey))
      .limit(filter.limit),
  );
}

/** The tenant's current campaign, read fresh (another isolate may just have switched it). */
export function currentCampaign(db: Db, tenantId: string): Promise<Campaign | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ campaign: campaigns })
      .from(tenants)
      .innerJoin(campaigns, and(eq(campaigns.id, tenants.campaignId), isNull(campaigns.deletedAt)))
      .where(eq(tenants.id, tenantId));
    return row?.campaign ?? null;
  });
}

/** Makes one of the tenant's own campaigns current; false when it has none of that id. */
export function setCurrentCampaign(db: Db, tenantId: string, campaignId: string): Promise<boolean> {
  return withTenant(db, tenantId, async (tx) => {
    // Foreign keys do not see row-level security: the ownership check is ours.
    if (!(await liveCampaign(tx, tenantId, campaignId))) return false;
    await tx.update(tenants).set({ campaignId, updatedAt: new Date() }).where(eq(tenants.id, tenantId));
    return true;
  });
}

export interface CampaignOverview {
  npcs: Array<Pick<Npc, 'name' | 'gmHelper'>>;
  entityCounts: Array<{ type: EntityKind; count: number }>;
}

/** What `/campaign info` shows beside the campaign itself: its NPCs and how many entities of each kind. */
export function campaignOverview(db: Db, tenantId: string, campaignId: string): Promise<CampaignOverview> {
  return withTenant(db, tenantId, async (tx) => {
    const [npcRows, entityCounts] = await Promise.all([
      tx.select({ name: npcs.name, gmHelper: npcs.gmHelper }).from(npcs).where(and(eq(npcs.tenantId, tenantId), eq(npcs.campaignId, campaignId))).orderBy(asc(npcs.nameKey)),
      tx
        .select({ type: entities.type, count: count() })
        .from(entities)
        .where(and(eq(entities.tenantId, tenantId), eq(entities.campaignId, campaignId)))
        .groupBy(entities.type)
        .orderBy(asc(entities.type)),
    ]);
    return { npcs: npcRows, entityCounts };
  });
}

export async function liveCampaign(tx: Tx, tenantId: string, campaignId: string): Promise<Campaign | undefined> {
  const [row] = await tx.select().from(campaigns).where(and(live(tenantId), eq(campaigns.id, campaignId)));
  return row;
}

/** Replaces the campaign's own fields; null when the tenant has no live campaign of that id. */
export function updateCampaign(db: Db, tenantId: string, campaignId: string, fields: CampaignFields): Promise<Campaign | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .update(campaigns)
      .set({ ...fields, updatedAt: new Date() })
      .where(and(live(tenantId), eq(campaigns.id, campaignId)))
      .returning();
    return row ?? null;
  });
}

/**
 * Deletes the campaign softly (its sessions and recaps keep it); it stops being the
 * tenant's current one. Null when the tenant has no live campaign of that id.
 */
export function deleteCampaign(db: Db, tenantId: string, campaignId: string): Promise<Campaign | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .update(campaigns)
      .set({ deletedAt: new Date() })
      .where(and(live(tenantId), eq(campaigns.id, campaignId)))
      .returning();
    if (row) await tx.update(tenants).set({ campaignId: null, updatedAt: new Date() }).where(and(eq(tenants.id, tenantId), eq(tenants.campaignId, campaignId)));
    return row ?? null;
  });
}
