import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { meQuery, type Me } from '../account/me-query.ts';
import { api } from '../api/client.ts';
import { campaignsQuery } from '../campaigns/campaign-queries.ts';

export type TenantSettings = InferResponseType<(typeof api.tenants)[':id']['$get'], 200>['tenant'];

/** A tenant's settings (GET /api/v1/tenants/:id): the bot's ids and whether it has a token, never the token. */
export const tenantQuery = (tenantId: string) =>
  queryOptions({
    queryKey: ['tenants', tenantId],
    queryFn: async () => (await (await api.tenants[':id'].$get({ param: { id: tenantId } })).json()).tenant,
  });

/** The team a new DM sets up: the first one they own. */
export const ownTeam = (me: Me) => me.memberships.find((m) => m.role === 'tenant_owner')?.tenant_id ?? null;

/** Where a sign-in lands: onboarding while the user's own team has no campaign yet, else home. */
export async function landingPath(queryClient: QueryClient): Promise<'/onboarding' | '/'> {
  const team = ownTeam(await queryClient.fetchQuery(meQuery));
  if (!team) return '/';
  return (await queryClient.fetchQuery(campaignsQuery(team))).length === 0 ? '/onboarding' : '/';
}
