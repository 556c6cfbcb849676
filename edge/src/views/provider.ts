import { providerRole, type TenantProvider } from '@glyphoxa/db';
import * as v from 'valibot';

/** A tenant's provider on the wire: never the key, only whether there is one. */
export const ProviderViewSchema = v.object({
  role: v.picklist(providerRole.enumValues),
  kind: v.string(),
  base_url: v.string(),
  model: v.string(),
  has_api_key: v.boolean(),
  options: v.record(v.string(), v.unknown()),
  created_at: v.string(),
  updated_at: v.string(),
});
export type ProviderView = v.InferOutput<typeof ProviderViewSchema>;

export function viewProvider(p: TenantProvider): ProviderView {
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
