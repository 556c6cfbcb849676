import { and, asc, eq } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { campaigns, chunks, entities, loreDocuments, npcs, relationships, sessionEntries, sessions, tenants, type Campaign, type Entity, type LoreDocument, type NewChunk, type Npc, type Relationship, type Session } from '../schema/index.ts';
import { inChunks } from './chunks.ts';
import { insertEntities, type EntityFields } from './entities.ts';
import type { LoreFields } from './lore-documents.ts';
import { insertNpcs, npcRoom, type NpcFields } from './npcs.ts';
import type { RelationshipFields } from './relationships.ts';
import type { TranscriptLine } from './session-entries.ts';
import type { CampaignFields } from './campaigns.ts';
import { liveCampaign } from './campaigns.ts';
import { refreshStatistics } from './planner-statistics.ts';

/** An edge as an archive holds it: its ends by entity name, its session by its place among the archive's sessions. */
export type ArchivedRelationship = Omit<RelationshipFields, 'sourceId' | 'targetId' | 'sessionId'> & { from: string; to: string; session: number | null };

/** A past session as an archive holds it: when, and what was said. */
export interface ArchivedSession {
  startedAt: Date;
  endedAt: Date | null;
  lines: TranscriptLine[];
}

/** A passage of semantic memory as an archive holds it: what it came from by its place among the archive's lore or sessions. */
export type ArchivedChunk = Pick<NewChunk, 'position' | 'content' | 'model' | 'embedding'> & ({ lore: number; session?: never } | { session: number; lore?: never });

/** Everything a campaign archive carries, without ids: what an import creates. */
export interface CampaignArchiveContent {
  campaign: CampaignFields;
  npcs: NpcFields[];
  entities: EntityFields[];
  relationships: ArchivedRelationship[];
  lore: LoreFields[];
  sessions: ArchivedSession[];
  /** Semantic memory, which only dedicated tenants' archives carry and only dedicated tenants take in. */
  chunks?: ArchivedChunk[];
}

/** What an export reads at once; each session's transcript is read on its own, as it is written out. */
export interface CampaignArchiveSource {
  campaign: Campaign;
  licenseTier: string;
  npcs: Npc[];
  entities: Entity[];
  relationships: Array<Relationship & { from: string; to: string }>;
  lore: LoreDocument[];
  /** Oldest first. */
  sessions: Session[];
}

/**
 * The campaign's content for an export, in one snapshot, ordered by name (never by id or
 * time of creation, which an import changes); `null` when the tenant has no such campaign.
 */
export function campaignArchiveSource(db: Db, tenantId: string, campaignId: string): Promise<CampaignArchiveSource | null> {
  return withTenant(db, tenantId, async (tx) => {
    const campaign = await liveCampaign(tx, tenantId, campaignId);
    if (!campaign) return null;
    const inCampaign = (table: { tenantId: AnyPgColumn; campaignId: AnyPgColumn }) => and(eq(table.tenantId, tenantId), eq(table.campaignId, campaignId));
    const source = alias(entities, 'source');
    const target = alias(entities, 'target');
    const [tenant] = await tx.select({ licenseTier: tenants.licenseTier }).from(tenants).where(eq(tenants.id, tenantId));
    return {
      campaign,
      licenseTier: tenant!.licenseTier,
      npcs: await tx.select().from(npcs).where(inCampaign(npcs)).orderBy(asc(npcs.nameKey)),
      entities: await tx.select().from(entities).where(inCampaign(entities)).orderBy(asc(entities.nameKey)),
      relationships: (
        await tx
          .select({ edge: relationships, from: source.name, to: target.name })
          .from(relationships)
          .innerJoin(source, eq(source.id, relationships.sourceId))
          .innerJoin(target, eq(target.id, relationships.targetId))
          .where(inCampaign(relationships))
          .orderBy(asc(source.nameKey), asc(target.nameKey), asc(relationships.type))
      ).map((row) => ({ ...row.edge, from: row.from, to: row.to })),
      lore: await tx.select().from(loreDocuments).where(inCampaign(loreDocuments)).orderBy(asc(loreDocuments.titleKey)),
      sessions: await tx
        .select()
        .from(sessions)
        .where(and(eq(sessions.tenantId, tenantId), eq(sessions.campaignId, campaignId), eq(sessions.state, 'ended')))
        .orderBy(asc(sessions.startedAt), asc(sessions.id)),
    };
  });
}

/** Who started an imported session: nobody on this platform. */
export const IMPORTED_SESSION_ORIGIN = 'import';

/**
 * Creates the archive's campaign in the tenant with new ids, in one transaction: its NPCs,
 * entities, lore, past sessions with their transcripts, then the relationships between the
 * new entities and, for a dedicated tenant, the archive's semantic memory; with
 * `makeCurrent`, the tenant's current campaign. `null` when the tenant
 * already has a campaign of that name (ignoring case); `{ limitReached }` (the NPCs the tenant
 * holds) when its NPCs would pass `maxNpcs` (null or absent: no bound).
 * The content was checked whole before (names distinct, edges between named entities).
 */
export function importCampaignArchive(db: Db, tenantId: string, content: CampaignArchiveContent, options: { makeCurrent: boolean; maxNpcs: number | null }): Promise<Campaign | null | { limitReached: number }>;
export function importCampaignArchive(db: Db, tenantId: string, content: CampaignArchiveContent, options: { makeCurrent: boolean }): Promise<Campaign | null>;
export async function importCampaignArchive(db: Db, tenantId: string, content: CampaignArchiveContent, options: { makeCurrent: boolean; maxNpcs?: number | null }): Promise<Campaign | null | { limitReached: number }> {
  let memory = 0;
  const made = await withTenant(db, tenantId, async (tx) => {
    const full = await npcRoom(tx, tenantId, content.npcs.length, options.maxNpcs ?? null);
    if (full) return full;
    const [campaign] = await tx.insert(campaigns).values({ ...content.campaign, tenantId }).onConflictDoNothing().returning();
    if (!campaign) return null;
    await insertNpcs(tx, tenantId, campaign.id, content.npcs);
    await insertEntities(tx, tenantId, campaign.id, content.entities);
    const loreIds: string[] = [];
    for (const chunk of inChunks(content.lore)) {
      // Rows come back in the order of the values, so each document keeps its place.
      loreIds.push(...(await tx.insert(loreDocuments).values(chunk.map((doc) => ({ ...doc, tenantId, campaignId: campaign.id }))).returning({ id: loreDocuments.id })).map((row) => row.id));
    }
    const sessionIds: string[] = [];
    for (const past of content.sessions) {
      const [row] = await tx
        .insert(sessions)
        .values({ tenantId, campaignId: campaign.id, guildId: IMPORTED_SESSION_ORIGIN, channelId: IMPORTED_SESSION_ORIGIN, startedBy: IMPORTED_SESSION_ORIGIN, state: 'ended', endReason: 'stopped', startedAt: past.startedAt, endedAt: past.endedAt ?? past.startedAt })
        .returning({ id: sessions.id });
      sessionIds.push(row!.id);
      for (const chunk of inChunks(past.lines)) await tx.insert(sessionEntries).values(chunk.map((line) => ({ ...line, tenantId, campaignId: campaign.id, sessionId: row!.id })));
    }
    const ids = new Map((await tx.select({ id: entities.id, name: entities.name }).from(entities).where(eq(entities.campaignId, campaign.id))).map((e) => [e.name.toLowerCase(), e.id]));
    const edges = content.relationships.map(({ from, to, session, ...edge }) => ({
      ...edge,
      tenantId,
      campaignId: campaign.id,
      sourceId: ids.get(from.toLowerCase())!,
      targetId: ids.get(to.toLowerCase())!,
      sessionId: session === null ? null : sessionIds[session]!,
    }));
    for (const chunk of inChunks(edges)) await tx.insert(relationships).values(chunk);
    const [tenant] = await tx.select({ licenseTier: tenants.licenseTier }).from(tenants).where(eq(tenants.id, tenantId));
    if (content.chunks && tenant?.licenseTier === 'dedicated') {
      const passages = content.chunks.map(({ lore, session, ...passage }): NewChunk => ({
        ...passage,
        tenantId,
        campaignId: campaign.id,
        ...(lore !== undefined ? { source: 'lore', loreDocumentId: loreIds[lore]! } : { source: 'transcript', sessionId: sessionIds[session!]! }),
      }));
      for (const chunk of inChunks(passages, 100)) await tx.insert(chunks).values(chunk);
      memory = passages.length;
    }
    if (options.makeCurrent) await tx.update(tenants).set({ campaignId: campaign.id, updatedAt: new Date() }).where(eq(tenants.id, tenantId));
    return campaign;
  });
  if (made && !('limitReached' in made)) {
    await refreshStatistics(db, {
      entities: content.entities.length,
      relationships: content.relationships.length,
      lore_documents: content.lore.length,
      session_entries: content.sessions.reduce((sum, past) => sum + past.lines.length, 0),
      chunks: memory,
    });
  }
  return made;
}
