import { sql } from 'drizzle-orm';
import { check, jsonb, pgEnum, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { PROVIDER_KINDS, PROVIDER_ROLES, type ProviderRole } from '../provider-kinds.ts';
import { tenants } from './tenants.ts';

export const providerRole = pgEnum('provider_role', PROVIDER_ROLES);
export { PROVIDER_KINDS, type ProviderRole };

// `role::text`: one migration adds a role and this check together, and a value new to an enum cannot be used before it commits.
const kindsOf = (role: ProviderRole) => sql.raw(`(role::text = '${role}' and kind in (${PROVIDER_KINDS[role].map((k) => `'${k}'`).join(', ')}))`);

/**
 * A tenant's own provider for one role (bring your own key). Sessions get it
 * with the key opened; no entry means the voice node's default provider.
 */
export const tenantProviders = pgTable(
  'tenant_providers',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    role: providerRole('role').notNull(),
    kind: text('kind').notNull(),
    baseUrl: text('base_url').notNull(),
    model: text('model').notNull(),
    /** Sealed by the edge's secrets module (context `tenant:<id>:provider:<role>`); never plaintext. */
    apiKeyEnc: text('api_key_enc'),
    /** Vendor-specific settings (temperature, a region…). Sessions do not get them yet: the protocol's endpoint has no place for them. */
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.role] }),
    check('tenant_providers_kind', sql`${kindsOf('llm')} or ${kindsOf('stt')} or ${kindsOf('tts')} or ${kindsOf('embeddings')}`),
    ...tenantPolicies('tenant_providers', 'tenant_id'),
  ],
);

export type TenantProvider = typeof tenantProviders.$inferSelect;
export type NewTenantProvider = typeof tenantProviders.$inferInsert;
