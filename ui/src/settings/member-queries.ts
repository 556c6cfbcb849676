import { queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's members and pending invites, read through the typed client (edge/src/routes/api/tenants.ts). */

const users = api.tenants[':id'].users;
export type Team = InferResponseType<typeof users.$get, 200>;
export type Member = Team['members'][number];
export type Invite = Team['invites'][number];
export type InviteBody = InferRequestType<typeof users.$post>['json'];

export const memberKeys = { team: (tenantId: string) => ['tenants', tenantId, 'members'] as const };

export const teamQuery = (tenantId: string) =>
  queryOptions({
    queryKey: memberKeys.team(tenantId),
    queryFn: async (): Promise<Team> => (await users.$get({ param: { id: tenantId } })).json(),
  });
