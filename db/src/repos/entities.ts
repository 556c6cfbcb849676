import { and, asc, count, desc, eq, ilike, isNull, sql } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { campaigns, entities, tenants, type Entity, type EntityKind, type NewEntity } from '../schema/index.ts';
import { inChunks } from './chunks.ts';
import { containsPattern } from './patterns.ts';

export type EntityFields = Omit<NewEntity, 'id' | 'tenantId' | 'campaignId' | 'createdAt' | 'updatedAt'>;

const inCampaign = (tenantId: string, campaignId: string) => and(eq(entities.tenantId, tenantId), eq(entities.campaignId, campaignId));

/** Adds entities to a campaign inside an open tenant transaction; names must be new. */
export async function insertEntities(tx: Tx, tenantId: string, campaignId: string, rows: EntityFields[]): Promise<void> {
  for (const chunk of inChunks(rows)) await tx.insert(entities).values(chunk.map((e) => ({ ...e, tenantId, campaignId })));
}

/** One new entity; `null` when the campaign already has one of that name (ignoring case). */
export function addEntity(db: Db, tenantId: string, campaignId: string, fields: EntityFields): Promise<Entity | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.insert(entities).values({ ...fields, tenantId, campaignId }).onConflictDoNothing().returning();
    return row ?? null;
  });
}

/**
 * Adds the entities, replacing those whose name the campaign already has: a
 * file imported again updates rather than duplicates. Names must be distinct.
 */
export function importEntities(db: Db, tenantId: string, campaignId: string, rows: EntityFields[]): Promise<{ added: number; updated: number }> {
  return withTenant(db, tenantId, async (tx) => {
    const result = { added: 0, updated: 0 };
    for (const chunk of inChunks(rows)) {
      const written = await tx
        .insert(entities)
        .values(chunk.map((e) => ({ ...e, tenantId, campaignId })))
        .onConflictDoUpdate({
          target: [entities.campaignId, entities.nameKey],
          set: {
            name: sql`excluded.name`,
            type: sql`excluded.type`,
            description: sql`excluded.description`,
            tags: sql`excluded.tags`,
            properties: sql`excluded.properties`,
            updatedAt: new Date(),
          },
        })
        // xmax is 0 on a freshly inserted row version, set on an updated one.
        .returning({ inserted: sql<boolean>`xmax = 0` });
      for (const row of written) result[row.inserted ? 'added' : 'updated'] += 1;
    }
    return result;
  });
}

/** A page of the campaign's entities by name, and how many there are in all. */
export function listEntities(
  db: Db,
  tenantId: string,
  campaignId: string,
  page: { type?: EntityKind | undefined; offset: number; limit: number },
): Promise<{ entities: Entity[]; total: number }> {
  const where = and(inCampaign(tenantId, campaignId), page.type ? eq(entities.type, page.type) : undefined);
  return withTenant(db, tenantId, async (tx) => {
    const [rows, [total]] = await Promise.all([
      tx.select().from(entities).where(where).orderBy(asc(entities.nameKey)).offset(page.offset).limit(page.limit),
      tx.select({ n: count() }).from(entities).where(where),
    ]);
    return { entities: rows, total: total?.n ?? 0 };
  });
}

/** Names in the tenant's current campaign containing `typed`, for autocomplete: one query. */
export function currentEntityNames(db: Db, tenantId: string, typed: string, limit: number): Promise<string[]> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx
      .select({ name: entities.name })
      .from(tenants)
      .innerJoin(campaigns, and(eq(campaigns.id, tenants.campaignId), isNull(campaigns.deletedAt)))
      .innerJoin(entities, eq(entities.campaignId, campaigns.id))
      .where(and(eq(tenants.id, tenantId), typed ? ilike(entities.name, containsPattern(typed)) : undefined))
      .orderBy(asc(entities.nameKey))
      .limit(limit);
    return rows.map((r) => r.name);
  });
}

export function findEntityByName(db: Db, tenantId: string, campaignId: string, name: string): Promise<Entity | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(entities).where(and(inCampaign(tenantId, campaignId), eq(entities.nameKey, sql`lower(${name})`)));
    return row ?? null;
  });
}

/** Deletes one of the tenant's entities by id; the deleted row, or null if there was none. */
export function deleteEntity(db: Db, tenantId: string, entityId: string): Promise<Entity | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.delete(entities).where(and(eq(entities.tenantId, tenantId), eq(entities.id, entityId))).returning();
    return row ?? null;
  });
}

/** The campaign's entities a session takes along: the most recently changed first, at most `limit`. */
export function sessionEntities(tx: Tx, tenantId: string, campaignId: string, limit: number): Promise<Entity[]> {
  return tx.select().from(entities).where(inCampaign(tenantId, campaignId)).orderBy(desc(entities.updatedAt), asc(entities.nameKey)).limit(limit);
}

export function getEntity(db: Db, tenantId: string, entityId: string): Promise<Entity | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(entities).where(and(eq(entities.tenantId, tenantId), eq(entities.id, entityId)));
    return row ?? null;
  });
}

/** Replaces an entity's fields; `null` when the tenant has no such entity (a name another has is refused by the unique index). */
export function updateEntity(db: Db, tenantId: string, entityId: string, fields: EntityFields): Promise<Entity | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .update(entities)
      .set({ ...fields, updatedAt: new Date() })
      .where(and(eq(entities.tenantId, tenantId), eq(entities.id, entityId)))
      .returning();
    return row ?? null;
  });
}
