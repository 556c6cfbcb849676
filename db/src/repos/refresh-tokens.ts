import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { asAccount } from '../tenant-isolation/transactions.ts';
import { refreshTokens, type RefreshToken } from '../schema/index.ts';

export interface NewRefreshToken {
  family: string;
  tokenHash: string;
  tenantId: string | null;
  expiresAt: Date;
}

export function insertRefreshToken(db: Db, userId: string, token: NewRefreshToken): Promise<RefreshToken> {
  return asAccount(db, userId, async (tx) => (await tx.insert(refreshTokens).values({ ...token, userId }).returning())[0]!);
}

export type Rotation = { ok: true; previous: RefreshToken; next: RefreshToken } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

/**
 * Swaps the presented token for `next` in its family, once: the row is locked,
 * so two refreshes racing with one token cannot both succeed. A token already
 * rotated is a reuse: the whole family is revoked and every holder signed out.
 */
export function rotateRefreshToken(db: Db, userId: string, tokenHash: string, next: Omit<NewRefreshToken, 'family'>, now: Date): Promise<Rotation> {
  return asAccount(db, userId, async (tx) => {
    const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).for('update');
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revokedAt) return { ok: false, reason: 'revoked' };
    if (row.rotatedAt) {
      await tx.update(refreshTokens).set({ revokedAt: now }).where(and(eq(refreshTokens.family, row.family), isNull(refreshTokens.revokedAt)));
      return { ok: false, reason: 'reused' };
    }
    if (row.expiresAt <= now) return { ok: false, reason: 'expired' };
    await tx.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.id, row.id));
    const [created] = await tx.insert(refreshTokens).values({ ...next, userId, family: row.family }).returning();
    return { ok: true, previous: row, next: created! };
  });
}

/** Signs the presented token's whole family out; false when it is not one of this user's. */
export function revokeRefreshFamily(db: Db, userId: string, tokenHash: string, now: Date): Promise<boolean> {
  return asAccount(db, userId, async (tx) => {
    const [row] = await tx.select({ family: refreshTokens.family }).from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
    if (!row) return false;
    await tx.update(refreshTokens).set({ revokedAt: now }).where(and(eq(refreshTokens.family, row.family), isNull(refreshTokens.revokedAt)));
    return true;
  });
}
