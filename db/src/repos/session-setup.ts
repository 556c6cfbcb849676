import { and, asc, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import { npcs, tenantProviders, type Campaign, type Entity, type Npc, type TenantProvider } from '../schema/index.ts';
import type { Db, Tx } from '../client.ts';
import { liveCampaign } from './campaigns.ts';
import { sessionEntities } from './entities.ts';
import { sessionRelationships, type NamedRelationship } from './relationships.ts';

/** The campaign's facts a session takes along: at most `maxEntities` entities, and the confirmed relationships among them. */
export interface SessionFacts {
  entities: Entity[];
  relationships: NamedRelationship[];
}

export interface FactLimits {
  maxEntities: number;
  maxRelationships: number;
}

export interface SessionSetup extends SessionFacts {
  campaign: Campaign | null;
  npcs: Npc[];
  providers: TenantProvider[];
}

async function factsOf(tx: Tx, tenantId: string, campaignId: string, limits: FactLimits): Promise<SessionFacts> {
  const entityRows = await sessionEntities(tx, tenantId, campaignId, limits.maxEntities);
  const relationshipRows = await sessionRelationships(tx, tenantId, campaignId, entityRows.map((e) => e.id), limits.maxRelationships);
  return { entities: entityRows, relationships: relationshipRows };
}

/** A running session's facts anew, after the DM changed an entity or relationship; `null` when `campaignId` is not a live campaign of the tenant. */
export function campaignFacts(db: Db, tenantId: string, campaignId: string, limits: FactLimits): Promise<SessionFacts | null> {
  return withTenant(db, tenantId, async (tx) => ((await liveCampaign(tx, tenantId, campaignId)) ? factsOf(tx, tenantId, campaignId, limits) : null));
}

/**
 * Everything a session starts with, in one transaction whose queries go out
 * together: the campaign's NPCs and facts (`limits`), and the tenant's providers.
 * `null` when `campaignId` is not a live campaign of the tenant.
 */
export function sessionSetup(db: Db, tenantId: string, campaignId: string | null, limits: FactLimits): Promise<SessionSetup | null> {
  return withTenant(db, tenantId, async (tx) => {
    const providers = tx.select().from(tenantProviders).where(eq(tenantProviders.tenantId, tenantId)).orderBy(asc(tenantProviders.role));
    if (campaignId === null) return { campaign: null, npcs: [], entities: [], relationships: [], providers: await providers };
    const [campaign, npcRows, facts, providerRows] = await Promise.all([
      liveCampaign(tx, tenantId, campaignId),
      tx.select().from(npcs).where(and(eq(npcs.tenantId, tenantId), eq(npcs.campaignId, campaignId))).orderBy(asc(npcs.nameKey)),
      factsOf(tx, tenantId, campaignId, limits),
      providers,
    ]);
    return campaign ? { campaign, npcs: npcRows, ...facts, providers: providerRows } : null;
  });
}
