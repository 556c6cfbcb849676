import { and, desc, eq, inArray } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { voiceSamples, type NewVoiceSample, type VoiceSample } from '../schema/index.ts';

export type VoiceSampleFields = Omit<NewVoiceSample, 'tenantId' | 'createdAt' | 'updatedAt'>;
export type VoiceSampleChange = Partial<Pick<VoiceSample, 'status' | 'providerVoiceId' | 'error'>>;

export function insertVoiceSample(db: Db, tenantId: string, fields: VoiceSampleFields): Promise<VoiceSample> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.insert(voiceSamples).values({ ...fields, tenantId }).returning();
    return row!;
  });
}

export function getVoiceSample(db: Db, tenantId: string, id: string): Promise<VoiceSample | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(voiceSamples).where(and(eq(voiceSamples.tenantId, tenantId), eq(voiceSamples.id, id)));
    return row ?? null;
  });
}

/** Newest first. */
export function listVoiceSamples(db: Db, tenantId: string): Promise<VoiceSample[]> {
  return withTenant(db, tenantId, (tx) => tx.select().from(voiceSamples).where(eq(voiceSamples.tenantId, tenantId)).orderBy(desc(voiceSamples.createdAt)));
}

/**
 * Moves a sample's cloning on; `from`, when given, lists the statuses it may be in now, so of
 * two simultaneous moves one wins (null for the other, and for a sample that is gone).
 */
export function updateVoiceSample(db: Db, tenantId: string, id: string, change: VoiceSampleChange, from?: VoiceSample['status'][]): Promise<VoiceSample | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .update(voiceSamples)
      .set({ ...change, updatedAt: new Date() })
      .where(and(eq(voiceSamples.tenantId, tenantId), eq(voiceSamples.id, id), from ? inArray(voiceSamples.status, from) : undefined))
      .returning();
    return row ?? null;
  });
}

export function deleteVoiceSample(db: Db, tenantId: string, id: string): Promise<boolean> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx.delete(voiceSamples).where(and(eq(voiceSamples.tenantId, tenantId), eq(voiceSamples.id, id))).returning({ id: voiceSamples.id });
    return rows.length > 0;
  });
}
