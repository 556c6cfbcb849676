import { and, asc, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { loreDocuments, type LoreDocument, type LoreKind, type NewLoreDocument } from '../schema/index.ts';

export type LoreFields = Pick<NewLoreDocument, 'title' | 'kind' | 'body'>;

const ownedBy = (tenantId: string, id: string) => and(eq(loreDocuments.tenantId, tenantId), eq(loreDocuments.id, id));

/** A new document; `null` when the campaign already has one of that title (ignoring case). */
export function addLoreDocument(db: Db, tenantId: string, campaignId: string, fields: LoreFields): Promise<LoreDocument | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.insert(loreDocuments).values({ ...fields, tenantId, campaignId }).onConflictDoNothing().returning();
    return row ?? null;
  });
}

export function getLoreDocument(db: Db, tenantId: string, id: string): Promise<LoreDocument | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(loreDocuments).where(ownedBy(tenantId, id));
    return row ?? null;
  });
}

/** The campaign's documents by title, of one kind when asked. */
export function listLoreDocuments(db: Db, tenantId: string, campaignId: string, filter: { kind?: LoreKind; offset: number; limit: number }): Promise<LoreDocument[]> {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(loreDocuments)
      .where(and(eq(loreDocuments.tenantId, tenantId), eq(loreDocuments.campaignId, campaignId), filter.kind ? eq(loreDocuments.kind, filter.kind) : undefined))
      .orderBy(asc(loreDocuments.titleKey))
      .offset(filter.offset)
      .limit(filter.limit),
  );
}

/** `null` when the tenant has no such document; a title another document has is refused by the unique index. */
export function updateLoreDocument(db: Db, tenantId: string, id: string, changes: Partial<LoreFields>): Promise<LoreDocument | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.update(loreDocuments).set({ ...changes, updatedAt: new Date() }).where(ownedBy(tenantId, id)).returning();
    return row ?? null;
  });
}

/** Deletes the document and its memory chunks with it. */
export function deleteLoreDocument(db: Db, tenantId: string, id: string): Promise<LoreDocument | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.delete(loreDocuments).where(ownedBy(tenantId, id)).returning();
    return row ?? null;
  });
}
