import { and, asc, desc, eq, inArray, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { entities, relationships, type NewRelationship, type Relationship } from '../schema/index.ts';
import { inChunks } from './chunks.ts';

export type RelationshipFields = Omit<NewRelationship, 'id' | 'tenantId' | 'campaignId' | 'createdAt' | 'updatedAt'>;
export type RelationshipChanges = Partial<Pick<NewRelationship, 'type' | 'bidirectional' | 'confidence' | 'dmConfirmed'>>;

/** What the DM states is confirmed by saying it; a transcript's or an import's guess waits for the DM. */
const withProvenance = (fields: RelationshipFields) => ({ ...fields, dmConfirmed: fields.dmConfirmed ?? (fields.source ?? 'dm') === 'dm' });

const ownedBy = (tenantId: string, id: string) => and(eq(relationships.tenantId, tenantId), eq(relationships.id, id));

/** Adds relationships inside an open tenant transaction (an import); the same edge twice is one edge. */
export async function insertRelationships(tx: Tx, tenantId: string, campaignId: string, rows: RelationshipFields[]): Promise<void> {
  for (const chunk of inChunks(rows)) {
    await tx.insert(relationships).values(chunk.map((r) => ({ ...withProvenance(r), tenantId, campaignId }))).onConflictDoNothing();
  }
}

/**
 * A new edge between two of the campaign's entities; `null` when it already
 * has this edge (same ends, same type). Ends outside the campaign, or a
 * session of another tenant, are refused by the foreign keys.
 */
export function addRelationship(db: Db, tenantId: string, campaignId: string, fields: RelationshipFields): Promise<Relationship | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.insert(relationships).values({ ...withProvenance(fields), tenantId, campaignId }).onConflictDoNothing().returning();
    return row ?? null;
  });
}

export function getRelationship(db: Db, tenantId: string, id: string): Promise<Relationship | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(relationships).where(ownedBy(tenantId, id));
    return row ?? null;
  });
}

/** The campaign's edges, those touching `entityId` when given, proposals only or confirmed only when asked. */
export function listRelationships(
  db: Db,
  tenantId: string,
  campaignId: string,
  filter: { entityId?: string; confirmed?: boolean; offset: number; limit: number },
): Promise<Relationship[]> {
  const touching = filter.entityId ? or(eq(relationships.sourceId, filter.entityId), eq(relationships.targetId, filter.entityId)) : undefined;
  const confirmed = filter.confirmed === undefined ? undefined : eq(relationships.dmConfirmed, filter.confirmed);
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(relationships)
      .where(and(eq(relationships.tenantId, tenantId), eq(relationships.campaignId, campaignId), touching, confirmed))
      .orderBy(asc(relationships.createdAt), asc(relationships.id))
      .offset(filter.offset)
      .limit(filter.limit),
  );
}

/** Changes an edge (confirming a proposal is `{ dmConfirmed: true }`); `null` when the tenant has no such edge. */
export function updateRelationship(db: Db, tenantId: string, id: string, changes: RelationshipChanges): Promise<Relationship | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.update(relationships).set({ ...changes, updatedAt: new Date() }).where(ownedBy(tenantId, id)).returning();
    return row ?? null;
  });
}

export function deleteRelationship(db: Db, tenantId: string, id: string): Promise<Relationship | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.delete(relationships).where(ownedBy(tenantId, id)).returning();
    return row ?? null;
  });
}

/** A confirmed relationship by the names of its ends, as a session takes it along. */
export interface NamedRelationship {
  source: string;
  type: string;
  target: string;
  bidirectional: boolean;
}

const sourceEntity = alias(entities, 'source_entity');
const targetEntity = alias(entities, 'target_entity');

/**
 * The campaign's confirmed relationships with both ends among `entityIds` (the entities a
 * session took along), most recently changed first, at most `limit`: proposals are not facts
 * an NPC may be told.
 */
export async function sessionRelationships(tx: Tx, tenantId: string, campaignId: string, entityIds: readonly string[], limit: number): Promise<NamedRelationship[]> {
  if (entityIds.length === 0) return [];
  const ids = [...entityIds];
  return tx
    .select({ source: sourceEntity.name, type: relationships.type, target: targetEntity.name, bidirectional: relationships.bidirectional })
    .from(relationships)
    .innerJoin(sourceEntity, eq(sourceEntity.id, relationships.sourceId))
    .innerJoin(targetEntity, eq(targetEntity.id, relationships.targetId))
    .where(and(eq(relationships.tenantId, tenantId), eq(relationships.campaignId, campaignId), eq(relationships.dmConfirmed, true), inArray(relationships.sourceId, ids), inArray(relationships.targetId, ids)))
    .orderBy(desc(relationships.updatedAt), asc(relationships.id))
    .limit(limit);
}
