import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.ts';
import { asOperator } from '../tenant-isolation/transactions.ts';
import { identities, invites, memberships, tenants, users, type IdentityProvider, type MemberRole, type User } from '../schema/index.ts';

/** Who a provider says signed in. */
export interface SignInIdentity {
  provider: IdentityProvider;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  displayName: string;
  avatarUrl: string | null;
}

export interface SignInResult {
  user: User;
  /** First sign-in: the user was created now. */
  created: boolean;
  /** The user's tenants after this sign-in (invites accepted, a first tenant made). */
  memberships: Array<{ tenantId: string; role: MemberRole }>;
}

/**
 * Resolves a sign-in to its user, in one transaction: the identity's user; else,
 * for a verified email, the user holding that verified email (a second provider
 * links to the same person; an unverified email never links); else a new user.
 * Pending invites to the identity's verified email or Discord id are accepted.
 * A new user who joined no tenant gets `firstTenantId` as its owner.
 * It runs as the operator: finding a person by identity or email spans every
 * account, and this is the one place that may.
 */
export function signIn(db: Db, identity: SignInIdentity, firstTenantId: string): Promise<SignInResult> {
  return asOperator(db, async (tx) => {
    const email = identity.email?.trim().toLowerCase() || null;
    const verifiedEmail = identity.emailVerified ? email : null;
    const now = new Date();
    let created = false;
    let user = await identityUser(tx, identity);
    if (!user && verifiedEmail) user = (await tx.select().from(users).where(and(eq(sql`lower(${users.email})`, verifiedEmail), eq(users.emailVerified, true))))[0];
    if (!user) {
      [user] = await tx
        .insert(users)
        .values({ email, emailVerified: verifiedEmail !== null, displayName: identity.displayName, avatarUrl: identity.avatarUrl, lastLoginAt: now })
        .returning();
      created = true;
    } else {
      // A verified email the user lacked becomes theirs (unless another user holds it).
      const adopt = verifiedEmail && !user.emailVerified ? await emailFree(tx, verifiedEmail) : false;
      [user] = await tx
        .update(users)
        .set({ lastLoginAt: now, ...(adopt ? { email: verifiedEmail, emailVerified: true } : {}), avatarUrl: user.avatarUrl ?? identity.avatarUrl })
        .where(eq(users.id, user.id))
        .returning();
    }
    await tx
      .insert(identities)
      .values({ provider: identity.provider, subject: identity.subject, userId: user!.id, email, emailVerified: identity.emailVerified })
      .onConflictDoUpdate({ target: [identities.provider, identities.subject], set: { email, emailVerified: identity.emailVerified } });

    await acceptInvites(tx, user!.id, verifiedEmail, identity.provider === 'discord' ? identity.subject : null, now);
    let joined = await tx.select({ tenantId: memberships.tenantId, role: memberships.role }).from(memberships).where(eq(memberships.userId, user!.id));
    if (created && joined.length === 0) {
      await tx.insert(tenants).values({ id: firstTenantId, licenseTier: 'shared', tier: 'apprentice' });
      await tx.insert(memberships).values({ tenantId: firstTenantId, userId: user!.id, role: 'tenant_owner' });
      joined = [{ tenantId: firstTenantId, role: 'tenant_owner' }];
    }
    return { user: user!, created, memberships: joined };
  });
}

async function identityUser(tx: Tx, identity: SignInIdentity): Promise<User | undefined> {
  const [row] = await tx
    .select({ user: users })
    .from(identities)
    .innerJoin(users, eq(users.id, identities.userId))
    .where(and(eq(identities.provider, identity.provider), eq(identities.subject, identity.subject)));
  return row?.user;
}

async function emailFree(tx: Tx, email: string): Promise<boolean> {
  const [taken] = await tx.select({ id: users.id }).from(users).where(and(eq(sql`lower(${users.email})`, email), eq(users.emailVerified, true)));
  return !taken;
}

/** Pending invites to this person become memberships; a membership they already hold keeps its role. */
async function acceptInvites(tx: Tx, userId: string, email: string | null, discordId: string | null, now: Date): Promise<void> {
  const addressed = [email ? eq(sql`lower(${invites.email})`, email) : undefined, discordId ? eq(invites.discordId, discordId) : undefined].filter((c) => c !== undefined);
  if (addressed.length === 0) return;
  const pending = await tx
    .update(invites)
    .set({ acceptedAt: now, acceptedBy: userId })
    .where(and(isNull(invites.acceptedAt), or(...addressed)))
    .returning({ tenantId: invites.tenantId, role: invites.role });
  for (const invite of pending) {
    await tx.insert(memberships).values({ tenantId: invite.tenantId, userId, role: invite.role }).onConflictDoNothing();
  }
}
