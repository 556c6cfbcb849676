import { apiKeyScope, type ApiKey } from '@glyphoxa/db';
import * as v from 'valibot';

/** An API key as its tenant's owners see it: never the key nor its hash. */
export const ApiKeyViewSchema = v.object({
  id: v.string(),
  name: v.string(),
  scopes: v.array(v.picklist(apiKeyScope.enumValues)),
  /** The key's last 4 characters (null for keys older than this field): enough to tell keys apart, never to use one. */
  last4: v.nullable(v.string()),
  created_by: v.string(),
  created_at: v.string(),
  expires_at: v.nullable(v.string()),
  last_used_at: v.nullable(v.string()),
});
export type ApiKeyView = v.InferOutput<typeof ApiKeyViewSchema>;

export function viewApiKey(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    scopes: key.scopes,
    last4: key.last4,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
  };
}
