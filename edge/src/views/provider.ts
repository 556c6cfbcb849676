import type { TenantProvider } from '@glyphoxa/db';

/** A tenant's provider on the wire: never the key, only whether there is one. */
export function viewProvider(p: TenantProvider) {
  return {
    role: p.role,
    kind: p.kind,
    base_url: p.baseUrl,
    model: p.model,
    has_api_key: p.apiKeyEnc !== null,
    options: p.options,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
