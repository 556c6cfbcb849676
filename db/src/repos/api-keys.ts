import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { withTenant } from '../tenant-isolation/transactions.ts';
import { apiKeys, memberships, type ApiKey, type ApiKeyScope, type MemberRole } from '../schema/index.ts';

export interface NewApiKeyFields {
  id: string;
  createdBy: string;
  name: string;
  scopes: ApiKeyScope[];
  secretHash: string;
  last4: string;
  expiresAt: Date | null;
}

export function insertApiKey(db: Db, tenantId: string, key: NewApiKeyFields): Promise<ApiKey> {
  return withTenant(db, tenantId, async (tx) => (await tx.insert(apiKeys).values({ ...key, tenantId }).returning())[0]!);
}

/** The tenant's keys not revoked, newest first. */
export function listApiKeys(db: Db, tenantId: string): Promise<ApiKey[]> {
  return withTenant(db, tenantId, (tx) => tx.select().from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt))).orderBy(desc(apiKeys.createdAt)));
}

/** Revokes at once; null when the tenant has no such live key. */
export function revokeApiKey(db: Db, tenantId: string, keyId: string): Promise<ApiKey | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
      .returning();
    return row ?? null;
  });
}

/** A live key with its creator's current role in the tenant (null: they left, so the key acts as nobody). */
export function findApiKey(db: Db, tenantId: string, keyId: string): Promise<{ key: ApiKey; creatorRole: MemberRole | null } | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ key: apiKeys, creatorRole: memberships.role })
      .from(apiKeys)
      .leftJoin(memberships, and(eq(memberships.tenantId, apiKeys.tenantId), eq(memberships.userId, apiKeys.createdBy)))
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)));
    return row ?? null;
  });
}

/** Records a use, at most once per `granularityMs` (a write per request would cost more than the request). */
export function touchApiKey(db: Db, tenantId: string, keyId: string, now: Date, granularityMs: number): Promise<void> {
  return withTenant(db, tenantId, async (tx) => {
    const stale = new Date(now.getTime() - granularityMs);
    await tx
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
  });
}
