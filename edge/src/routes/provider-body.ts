import { PROVIDER_KINDS, type ProviderRole } from '@glyphoxa/db/provider-kinds';
import { boundedJsonObject, MAX_JSON_FIELD_BYTES, ProviderEndpointSchema } from '@glyphoxa/protocol';
import * as v from 'valibot';

// Free of the db package's code: the dashboard's provider form validates with this too.

/** A tenant's provider for `role`; the endpoint fields are the protocol's, so a session never gets one it would refuse. */
export function providerBodySchema(role: ProviderRole) {
  const { base_url, model, api_key } = ProviderEndpointSchema.entries;
  return v.strictObject({
    kind: v.picklist(PROVIDER_KINDS[role], `must be one of ${PROVIDER_KINDS[role].join(', ')}`),
    base_url: v.pipe(base_url, v.regex(/^https?:\/\//i, 'must be an http(s) URL')),
    model,
    /** Omitted: keep the stored key; null: remove it. */
    api_key: v.optional(v.nullable(v.pipe(v.unwrap(api_key), v.nonEmpty()))),
    options: v.optional(boundedJsonObject(MAX_JSON_FIELD_BYTES)),
  });
}
