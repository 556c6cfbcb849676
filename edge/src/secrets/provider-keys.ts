import type { ProviderRole, TenantProvider } from '@glyphoxa/db';
import type { ProviderEndpoint, ProviderSettings } from '@glyphoxa/protocol';
import { openSecret, sealSecret } from './cipher.ts';
import { loadKeyring } from './keyring.ts';

/** Bound into each sealed key: it opens for this tenant and role only. */
const context = (tenantId: string, role: ProviderRole) => `tenant:${tenantId}:provider:${role}`;

export async function sealProviderKey(secretKeys: string, tenantId: string, role: ProviderRole, apiKey: string): Promise<string> {
  return sealSecret(await loadKeyring(secretKeys), apiKey, context(tenantId, role));
}

/**
 * The tenant's providers as a session or a recap uses them, keys opened. Only
 * for handing on at once: the result holds plaintext keys.
 */
export async function providerSettings(secretKeys: string, rows: readonly TenantProvider[]): Promise<ProviderSettings> {
  const settings: ProviderSettings = {};
  if (rows.length === 0) return settings;
  const keyring = await loadKeyring(secretKeys);
  for (const row of rows) {
    // Embeddings serve the edge's campaign memory; a voice node never needs that key.
    if (row.role === 'embeddings') continue;
    const apiKey = row.apiKeyEnc === null ? undefined : await openSecret(keyring, row.apiKeyEnc, context(row.tenantId, row.role));
    settings[row.role] = { kind: row.kind, base_url: row.baseUrl, model: row.model, ...(apiKey === undefined ? {} : { api_key: apiKey }) };
  }
  return settings;
}

/** The tenant's embeddings provider with its key opened (the edge's own: campaign memory), or null when it has none. */
export async function embeddingsEndpoint(secretKeys: string, rows: readonly TenantProvider[]): Promise<ProviderEndpoint | null> {
  const row = rows.find((r) => r.role === 'embeddings');
  return row ? openEndpoint(secretKeys, row) : null;
}

/** One provider row as the endpoint its client takes, key opened: for a call made at once, never kept. */
export async function openEndpoint(secretKeys: string, row: TenantProvider): Promise<ProviderEndpoint> {
  const apiKey = row.apiKeyEnc === null ? undefined : await openSecret(await loadKeyring(secretKeys), row.apiKeyEnc, context(row.tenantId, row.role));
  return { kind: row.kind, base_url: row.baseUrl, model: row.model, ...(apiKey === undefined ? {} : { api_key: apiKey }) };
}
