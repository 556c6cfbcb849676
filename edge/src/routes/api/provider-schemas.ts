import { providerRole } from '@glyphoxa/db';
import * as v from 'valibot';
import { ProviderViewSchema } from '../../views/provider.ts';
import { providerBodySchema } from '../admin-schemas.ts';

/** PUT /tenants/:id/providers/:role, as documented: any slot's body (each request is validated against its own slot's kinds). */
export const AnyProviderBodySchema = v.union(providerRole.enumValues.map((role) => providerBodySchema(role)));

export const ProviderAnswer = v.object({ provider: ProviderViewSchema });
export const ProvidersAnswer = v.object({ providers: v.array(ProviderViewSchema) });
export const DeletedProviderAnswer = v.object({ deleted: v.picklist(providerRole.enumValues) });
