import { providerRole } from '@glyphoxa/db';
import * as v from 'valibot';
import { ProviderCheckSchema } from '../../provider-checks/check.ts';
import { ProviderViewSchema } from '../../views/provider.ts';
import { providerBodySchema } from '../provider-body.ts';

/** PUT /tenants/:id/providers/:role, as documented: any slot's body (each request is validated against its own slot's kinds). */
export const AnyProviderBodySchema = v.union(providerRole.enumValues.map((role) => providerBodySchema(role)));

export const ProviderAnswer = v.object({ provider: ProviderViewSchema });
export const ProvidersAnswer = v.object({ providers: v.array(ProviderViewSchema) });
export const DeletedProviderAnswer = v.object({ deleted: v.picklist(providerRole.enumValues) });

/** POST /tenants/:id/providers/:role/test: a TTS check may name the voice to speak in (else one every account of that vendor has). */
export const ProviderTestBodySchema = v.strictObject({ voice_id: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(200))) });

export const ProviderTestAnswer = v.intersect([
  v.object({ role: v.picklist(providerRole.enumValues), kind: v.string(), model: v.string() }),
  ProviderCheckSchema,
]);
