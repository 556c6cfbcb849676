import { sql } from 'drizzle-orm';
import { boolean, check, index, pgEnum, pgPolicy, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accountPolicy, appUser, currentTenant, operatorPolicy, tenantPolicies } from '../tenant-isolation/policies.ts';
import { tenants } from './tenants.ts';

/** A member's role in a tenant; `super_admin` is the platform's, held on the user. */
export const memberRole = pgEnum('member_role', ['tenant_owner', 'dm', 'viewer']);
export type MemberRole = (typeof memberRole.enumValues)[number];
export const SUPER_ADMIN = 'super_admin';
export const ROLES = [SUPER_ADMIN, ...memberRole.enumValues] as const;
export type Role = (typeof ROLES)[number];

/** Where a person signed in; `local` is the embedded default's sign-in without an OAuth app. */
export const identityProvider = pgEnum('identity_provider', ['discord', 'google', 'github', 'local']);
export type IdentityProvider = (typeof identityProvider.enumValues)[number];

/** What an API key may do inside its tenant, at most (never beyond its creator's role). */
export const apiKeyScope = pgEnum('api_key_scope', ['read', 'write', 'sessions', 'billing']);
export type ApiKeyScope = (typeof apiKeyScope.enumValues)[number];

/**
 * A person. Not tenant-owned: one user may belong to several tenants
 * (memberships). `email` is the verified address when there is one; it is what
 * links a second provider's sign-in to the same user.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email'),
    emailVerified: boolean('email_verified').notNull().default(false),
    displayName: text('display_name').notNull(),
    avatarUrl: text('avatar_url'),
    superAdmin: boolean('super_admin').notNull().default(false),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_verified_email').on(sql`lower(${t.email})`).where(sql`${t.emailVerified}`),
    check('users_display_name_length', sql`char_length(${t.displayName}) between 1 and 100`),
    accountPolicy('users', 'id'),
    // A tenant sees the people who are its members (the members list), nobody else.
    pgPolicy('users_tenant_members', {
      for: 'select',
      to: appUser,
      using: sql`exists (select 1 from memberships m where m.user_id = ${t.id} and m.tenant_id = ${currentTenant})`,
    }),
    operatorPolicy('users'),
  ],
);

/** One sign-in at one provider, of one user. */
export const identities = pgTable(
  'identities',
  {
    provider: identityProvider('provider').notNull(),
    /** The provider's stable id for the person (Discord snowflake, OIDC `sub`, GitHub id). */
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text('email'),
    emailVerified: boolean('email_verified').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subject] }), index('identities_user_idx').on(t.userId), accountPolicy('identities', 'user_id'), operatorPolicy('identities')],
);

/** A user's role in a tenant. Visible to the tenant and, read-only, to the user. */
export const memberships = pgTable(
  'memberships',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
    ...tenantPolicies('memberships', 'tenant_id'),
    accountPolicy('memberships', 'user_id', 'select'),
  ],
);

/**
 * An invitation into a tenant, by email or Discord id, accepted at the invitee's
 * first sign-in with a verified email (or that Discord account).
 */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    email: text('email'),
    discordId: text('discord_id'),
    role: memberRole('role').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('invites_one_address', sql`(${t.email} is null) <> (${t.discordId} is null)`),
    uniqueIndex('invites_pending_email').on(t.tenantId, sql`lower(${t.email})`).where(sql`${t.acceptedAt} is null and ${t.email} is not null`),
    uniqueIndex('invites_pending_discord').on(t.tenantId, t.discordId).where(sql`${t.acceptedAt} is null and ${t.discordId} is not null`),
    ...tenantPolicies('invites', 'tenant_id'),
  ],
);

/**
 * A tenant's API key (`gx_live_<tenant>.<id>.<secret>`): only the secret's
 * SHA-256 is kept; the key is shown once, when it is created.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Its creator: the key acts with at most their current role in the tenant. */
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scopes: apiKeyScope('scopes').array().notNull(),
    secretHash: text('secret_hash').notNull(),
    /** The key's last 4 characters, so owners can tell keys apart; null for keys made before they were kept. */
    last4: text('last4'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId, t.createdAt), check('api_keys_name_length', sql`char_length(${t.name}) between 1 and 100`), ...tenantPolicies('api_keys', 'tenant_id')],
);

/**
 * Refresh tokens (`<user id>.<secret>`), stored hashed. Each refresh rotates:
 * the old row is marked used and a new one joins its family; a used token
 * presented again revokes the whole family (it was stolen, or the thief was first).
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    family: uuid('family').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The tenant the access tokens of this sign-in act in; null: none chosen. */
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('refresh_tokens_hash').on(t.tokenHash), index('refresh_tokens_family_idx').on(t.family), accountPolicy('refresh_tokens', 'user_id'), operatorPolicy('refresh_tokens')],
);

export type User = typeof users.$inferSelect;
export type Identity = typeof identities.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type RefreshToken = typeof refreshTokens.$inferSelect;
