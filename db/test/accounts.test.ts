import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { changeMember, listMembers, memberRoleOf } from '../src/repos/memberships.ts';
import { createInvite } from '../src/repos/invites.ts';
import { signIn, type SignInIdentity } from '../src/repos/sign-in.ts';
import { insertRefreshToken, revokeRefreshFamily, rotateRefreshToken } from '../src/repos/refresh-tokens.ts';
import { getAccount } from '../src/repos/users.ts';
import { identities, memberships, refreshTokens, users } from '../src/schema/index.ts';
import { asAccount, withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, databaseError, uniqueId } from './backends.ts';

const person = (fields: Partial<SignInIdentity> = {}): SignInIdentity => ({
  provider: 'github',
  subject: uniqueId('sub'),
  email: `${uniqueId('p')}@example.test`,
  emailVerified: true,
  displayName: 'A Person',
  avatarUrl: null,
  ...fields,
});

describe.each(backends())('accounts on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
  });
  afterAll(async () => {
    await close();
    await backend.teardown();
  });

  it('creates the user and a first tenant they own at the first sign-in only', async () => {
    const who = person();
    const tenant = uniqueId('first');
    const first = await signIn(db, who, tenant);
    expect(first).toMatchObject({ created: true, memberships: [{ tenantId: tenant, role: 'tenant_owner' }] });
    const again = await signIn(db, who, uniqueId('unused'));
    expect(again).toMatchObject({ created: false, memberships: [{ tenantId: tenant, role: 'tenant_owner' }] });
    expect(again.user.id).toBe(first.user.id);
  });

  it('links a second provider by verified email, never by an unverified one', async () => {
    const email = `${uniqueId('link')}@example.test`;
    const github = await signIn(db, person({ email }), uniqueId('t'));
    const google = await signIn(db, person({ provider: 'google', email: email.toUpperCase() }), uniqueId('t'));
    expect(google.user.id).toBe(github.user.id);
    const unverified = await signIn(db, person({ provider: 'discord', email, emailVerified: false }), uniqueId('t'));
    expect(unverified.user.id).not.toBe(github.user.id);
    expect(unverified.created).toBe(true);
  });

  it('accepts pending invites by verified email or Discord id instead of making a tenant', async () => {
    const owner = await signIn(db, person(), uniqueId('inv'));
    const tenantId = owner.memberships[0]!.tenantId;
    const email = `${uniqueId('guest')}@example.test`;
    const discordId = String(100000000000000000n + BigInt(Math.floor(Math.random() * 1e15)));
    await createInvite(db, tenantId, { email }, 'viewer', owner.user.id);
    await createInvite(db, tenantId, { discordId }, 'dm', owner.user.id);
    expect(await createInvite(db, tenantId, { email: email.toUpperCase() }, 'dm', owner.user.id)).toBeNull();
    // Unverified: the invite stays pending.
    const impostor = await signIn(db, person({ email, emailVerified: false }), uniqueId('t'));
    expect(impostor.memberships.map((m) => m.tenantId)).not.toContain(tenantId);
    const guest = await signIn(db, person({ email }), uniqueId('never'));
    expect(guest.memberships).toEqual([{ tenantId, role: 'viewer' }]);
    const dm = await signIn(db, person({ provider: 'discord', subject: discordId, email: null, emailVerified: false }), uniqueId('never'));
    expect(dm.memberships).toEqual([{ tenantId, role: 'dm' }]);
    expect((await listMembers(db, tenantId)).map((m) => m.role).sort()).toEqual(['dm', 'tenant_owner', 'viewer']);
  });

  it('never removes or demotes the last owner', async () => {
    const owner = await signIn(db, person(), uniqueId('own'));
    const tenantId = owner.memberships[0]!.tenantId;
    expect(await changeMember(db, tenantId, owner.user.id, 'dm')).toBe('last_owner');
    expect(await changeMember(db, tenantId, owner.user.id, null)).toBe('last_owner');
    const email = `${uniqueId('co')}@example.test`;
    await createInvite(db, tenantId, { email }, 'tenant_owner', owner.user.id);
    const co = await signIn(db, person({ email }), uniqueId('t'));
    expect(await changeMember(db, tenantId, owner.user.id, 'viewer')).toMatchObject({ after: { role: 'viewer' } });
    expect(await changeMember(db, tenantId, co.user.id, null)).toBe('last_owner');
    expect(await memberRoleOf(db, tenantId, co.user.id)).toBe('tenant_owner');
  });

  it("sees only one's own account rows, and cannot grant oneself a membership", async () => {
    const a = await signIn(db, person(), uniqueId('acc-a'));
    const b = await signIn(db, person(), uniqueId('acc-b'));
    await asAccount(db, a.user.id, async (tx) => {
      expect((await tx.select().from(users)).map((u) => u.id)).toEqual([a.user.id]);
      expect((await tx.select().from(identities)).every((i) => i.userId === a.user.id)).toBe(true);
      expect((await tx.select().from(memberships)).map((m) => m.tenantId)).toEqual([a.memberships[0]!.tenantId]);
    });
    const grab = asAccount(db, a.user.id, (tx) => tx.insert(memberships).values({ tenantId: b.memberships[0]!.tenantId, userId: a.user.id, role: 'tenant_owner' }));
    expect(await databaseError(grab)).toMatch(/row-level security/);
    // A tenant sees its members' user rows, and nobody else's.
    await withTenant(db, b.memberships[0]!.tenantId, async (tx) => {
      expect((await tx.select().from(users)).map((u) => u.id)).toEqual([b.user.id]);
    });
    expect((await getAccount(db, a.user.id))?.memberships).toEqual(a.memberships);
  });

  it('rotates a refresh token once; a reused one revokes its family', async () => {
    const { user } = await signIn(db, person(), uniqueId('rt'));
    const now = new Date();
    const later = new Date(now.getTime() + 3600_000);
    // Token hashes are unique across the table: this run's own, so leftovers of an earlier run do not collide.
    const run = uniqueId('hash');
    const hash = (n: number) => `${run}-${n}`;
    await insertRefreshToken(db, user.id, { family: crypto.randomUUID(), tokenHash: hash(1), tenantId: null, expiresAt: later });
    const rotated = await rotateRefreshToken(db, user.id, hash(1), { tokenHash: hash(2), tenantId: null, expiresAt: later }, now);
    expect(rotated.ok).toBe(true);
    expect(await rotateRefreshToken(db, user.id, hash(1), { tokenHash: hash(3), tenantId: null, expiresAt: later }, now)).toEqual({ ok: false, reason: 'reused' });
    expect(await rotateRefreshToken(db, user.id, hash(2), { tokenHash: hash(4), tenantId: null, expiresAt: later }, now)).toEqual({ ok: false, reason: 'revoked' });
    // Another user's scope cannot see the rows at all.
    const other = await signIn(db, person(), uniqueId('rt2'));
    expect(await revokeRefreshFamily(db, other.user.id, hash(2), now)).toBe(false);
    const live = await db.execute(sql`select count(*)::int as n from ${refreshTokens} where user_id = ${user.id} and revoked_at is null`);
    expect((live as unknown as Array<{ n: number }>)[0]!.n).toBe(0);
  });
});
