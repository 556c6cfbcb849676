import * as v from 'valibot';
import { IdSchema } from './fields.ts';
import { MAX_TEXT_LENGTH } from './limits.ts';

/**
 * One provider endpoint. `api_key` is a tenant's own key, decrypted by the edge
 * for this assignment only: the node keeps it in memory and never logs it.
 */
export const ProviderEndpointSchema = v.object({
  kind: IdSchema,
  base_url: v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH), v.url()),
  api_key: v.optional(v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH))),
  model: IdSchema,
});
export type ProviderEndpoint = v.InferOutput<typeof ProviderEndpointSchema>;

/** A missing entry means "use the node's default provider". */
export const ProviderSettingsSchema = v.object({
  llm: v.optional(ProviderEndpointSchema),
  stt: v.optional(ProviderEndpointSchema),
  tts: v.optional(ProviderEndpointSchema),
});
export type ProviderSettings = v.InferOutput<typeof ProviderSettingsSchema>;
