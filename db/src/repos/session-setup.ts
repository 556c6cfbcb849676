import { and, asc, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { npcs, tenantProviders, type Campaign, type Entity, type Npc, type TenantProvider } from '../schema/index.ts';
import { liveCampaign } from './campaigns.ts';
import { sessionEntities } from './entities.ts';

export interface SessionSetup {
  campaign: Campaign | null;
  npcs: Npc[];
  entities: Entity[];
  providers: TenantProvider[];
}

/**
 * Everything a session starts with, in one transaction whose queries go out
 * together: the campaign's NPCs and (at most `maxEntities`) entities, and the
 * tenant's providers. `null` when `campaignId` is not a live campaign of the tenant.
 */
export function sessionSetup(db: Db, tenantId: string, campaignId: string | null, limits: { maxEntities: number }): Promise<SessionSetup | null> {
  return withTenant(db, tenantId, async (tx) => {
    const providers = tx.select().from(tenantProviders).where(eq(tenantProviders.tenantId, tenantId)).orderBy(asc(tenantProviders.role));
    if (campaignId === null) return { campaign: null, npcs: [], entities: [], providers: await providers };
    const [campaign, npcRows, entityRows, providerRows] = await Promise.all([
      liveCampaign(tx, tenantId, campaignId),
      tx.select().from(npcs).where(and(eq(npcs.tenantId, tenantId), eq(npcs.campaignId, campaignId))).orderBy(asc(npcs.nameKey)),
      sessionEntities(tx, tenantId, campaignId, limits.maxEntities),
      providers,
    ]);
    return campaign ? { campaign, npcs: npcRows, entities: entityRows, providers: providerRows } : null;
  });
}
