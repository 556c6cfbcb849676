import { apiKeyScope } from '@glyphoxa/db';
import * as v from 'valibot';
import { API_KEY_ID_PATTERN } from '../../auth/api-key-token.ts';
import { ApiKeyViewSchema } from '../../views/api-key.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/** POST /tenants/:id/keys: a name, the scopes (each at most once), and an optional expiry in the future. */
export const CreateApiKeySchema = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters')),
  scopes: v.pipe(
    v.array(v.picklist(apiKeyScope.enumValues, `must each be one of ${apiKeyScope.enumValues.join(', ')}`)),
    v.minLength(1, 'must name at least one scope'),
    v.transform((scopes) => [...new Set(scopes)]),
  ),
  expires_at: v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp('must be an ISO 8601 timestamp with a time zone'),
      v.transform((at) => new Date(at)),
      v.check((at) => at.getTime() > Date.now(), 'must be in the future'),
    ),
  ),
});

export const ApiKeyParamsSchema = v.object({ id: TenantIdSchema, keyId: v.pipe(v.string(), v.regex(API_KEY_ID_PATTERN, 'must be an API key id (key_ and 12 hex digits)')) });

export const CreatedApiKeyAnswer = v.object({ api_key: v.object({ ...ApiKeyViewSchema.entries, key: v.string() }) });
export const ApiKeysAnswer = v.object({ api_keys: v.array(ApiKeyViewSchema) });
export const RevokedApiKeyAnswer = v.object({ revoked: v.string() });
